-- The identity-provider account a user signed up with (`iss` and `sub` of its token): a later
-- token with the user's name but another account never acts as that user.
ALTER TABLE users ADD COLUMN issuer TEXT;
ALTER TABLE users ADD COLUMN subject TEXT;
