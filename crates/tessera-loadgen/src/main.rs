//! A keep-alive HTTP/1.1 load generator that never sleeps: every connection is non-blocking and
//! polled in a loop, so an answer never has to wake the client.
//!
//! Why not wrk: on one loopback machine, when the server is slower than the client, wrk sleeps in
//! `epoll_wait` between answers and each answer wakes it across cores from inside the server's
//! `send` (an inter-processor interrupt, about 4 µs of the server's core in this VM). A server
//! answering clients over a network card pays nothing like it; this client keeps that cost out
//! of the measurement for every endpoint alike (the bench compares rates taken the same way).
//!
//!     tessera-loadgen URL SECONDS CONNECTIONS [TOKENS_FILE | --repeat TOKEN_FILE]
//!
//! With TOKENS_FILE each request carries the next line as a bearer token, and the run fails if
//! the lines run out (a token sent twice would no longer be a first sight). With `--repeat`,
//! every request carries the file's first line (a warm token, as a client's session sends it).
//! Prints one line: `requests=N seconds=S rps=R non_2xx=K`.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

mod response;

struct Target {
    host: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
        let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
        Ok(Self { host: host.to_string(), path })
    }

    fn request(&self, token: Option<&str>) -> Vec<u8> {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        format!("GET {} HTTP/1.1\r\nHost: {}\r\n{auth}\r\n", self.path, self.host).into_bytes()
    }
}

/// One keep-alive connection with at most one request in flight.
struct Connection {
    stream: TcpStream,
    /// The current request, of which `written` bytes are sent.
    outgoing: Vec<u8>,
    written: usize,
    incoming: Vec<u8>,
    busy: bool,
}

impl Connection {
    /// Moves this connection along without waiting: starts a request when idle, writes what is
    /// left of it, and reads what has arrived, counting an answer once it is whole.
    fn poll(
        &mut self,
        next_request: &mut impl FnMut() -> Result<Vec<u8>, String>,
        buffer: &mut [u8],
        tally: &mut Tally,
    ) -> Result<(), String> {
        if !self.busy {
            self.outgoing = next_request()?;
            self.written = 0;
            self.busy = true;
        }
        if self.written < self.outgoing.len() {
            match self.stream.write(&self.outgoing[self.written..]) {
                Ok(n) => self.written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(format!("writing a request: {e}")),
            }
        }
        match self.stream.read(buffer) {
            Ok(0) => return Err("the server closed a keep-alive connection".into()),
            Ok(n) => self.incoming.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(format!("reading an answer: {e}")),
        }
        if let Some((status, length)) = response::complete(&self.incoming)? {
            self.incoming.drain(..length);
            self.busy = false;
            tally.requests += 1;
            if !(200..300).contains(&status) {
                tally.non_2xx += 1;
            }
        }
        Ok(())
    }
}

/// What the requests carry as bearer tokens.
#[derive(Debug, PartialEq)]
enum TokenSource {
    None,
    /// A file's text: each request the next line, none used twice.
    EachLineOnce(String),
    /// One token, on every request.
    Repeat(String),
}

impl TokenSource {
    /// From the arguments after CONNECTIONS: nothing, `TOKENS_FILE`, or `--repeat TOKEN_FILE`.
    fn from_args(rest: &[String]) -> Result<Self, String> {
        let read = |file: &String| std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"));
        match rest {
            [] => Ok(Self::None),
            [flag, file] if flag == "--repeat" => {
                let text = read(file)?;
                let token = text.lines().next().filter(|t| !t.is_empty());
                token.map(|t| Self::Repeat(t.to_string())).ok_or(format!("{file}: no token on its first line"))
            }
            [file] if !file.starts_with("--") => Ok(Self::EachLineOnce(read(file)?)),
            _ => {
                Err(format!("unexpected arguments {rest:?}: after CONNECTIONS give TOKENS_FILE or --repeat TOKEN_FILE"))
            }
        }
    }
}

#[derive(Default)]
struct Tally {
    requests: u64,
    non_2xx: u64,
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let [url, seconds, connections, rest @ ..] = args.as_slice() else {
        return Err("usage: tessera-loadgen URL SECONDS CONNECTIONS [TOKENS_FILE | --repeat TOKEN_FILE]".into());
    };
    let target = Target::parse(url)?;
    let seconds: f64 = seconds.parse().map_err(|_| format!("SECONDS must be a number, not {seconds:?}"))?;
    let connections: usize =
        connections.parse().map_err(|_| format!("CONNECTIONS must be a count, not {connections:?}"))?;
    let (tokens_text, fixed) = match TokenSource::from_args(rest)? {
        TokenSource::None => (None, target.request(None)),
        TokenSource::EachLineOnce(text) => (Some(text), target.request(None)),
        TokenSource::Repeat(token) => (None, target.request(Some(&token))),
    };
    let mut tokens = tokens_text.as_deref().map(|t| t.lines().filter(|l| !l.is_empty()));
    let mut next_request = || -> Result<Vec<u8>, String> {
        match tokens.as_mut() {
            Some(lines) => {
                lines.next().map(|t| target.request(Some(t))).ok_or_else(|| "the tokens ran out".to_string())
            }
            None => Ok(fixed.clone()),
        }
    };

    let mut pool = Vec::with_capacity(connections);
    for _ in 0..connections {
        let stream = TcpStream::connect(&target.host).map_err(|e| format!("{}: {e}", target.host))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        stream.set_nonblocking(true).map_err(|e| e.to_string())?;
        pool.push(Connection {
            stream,
            outgoing: Vec::new(),
            written: 0,
            incoming: Vec::with_capacity(4096),
            busy: false,
        });
    }
    let mut tally = Tally::default();
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut buffer = [0u8; 16384];
    while Instant::now() < deadline {
        for conn in pool.iter_mut() {
            conn.poll(&mut next_request, &mut buffer, &mut tally)?;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(format!(
        "requests={} seconds={elapsed:.3} rps={:.1} non_2xx={}",
        tally.requests,
        tally.requests as f64 / elapsed,
        tally.non_2xx
    ))
}

#[cfg(test)]
mod tests {
    use super::TokenSource;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn token_sources_are_read_from_the_arguments() {
        let dir = std::env::temp_dir().join(format!("loadgen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("tokens.txt");
        std::fs::write(&file, "first\nsecond\n").unwrap();
        let path = file.to_str().unwrap();
        assert_eq!(TokenSource::from_args(&[]), Ok(TokenSource::None));
        assert_eq!(TokenSource::from_args(&args(&[path])), Ok(TokenSource::EachLineOnce("first\nsecond\n".into())));
        assert_eq!(TokenSource::from_args(&args(&["--repeat", path])), Ok(TokenSource::Repeat("first".into())));
        std::fs::write(&file, "\nsecond\n").unwrap();
        let empty = TokenSource::from_args(&args(&["--repeat", path])).unwrap_err();
        assert!(empty.contains("no token on its first line"), "{empty}");
        let flag_alone = TokenSource::from_args(&args(&["--repeat"])).unwrap_err();
        assert!(flag_alone.contains("--repeat TOKEN_FILE"), "{flag_alone}");
        let missing = TokenSource::from_args(&args(&[dir.join("absent").to_str().unwrap()])).unwrap_err();
        assert!(missing.contains("absent"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
