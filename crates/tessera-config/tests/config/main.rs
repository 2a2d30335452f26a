//! Loading and validating configurations as a deployment would, and linting the seed document's
//! env files (`../shared/seed/`) as `tessera check-env` does.

mod check_env;
mod loading;
