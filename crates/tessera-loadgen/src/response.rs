//! Just enough HTTP/1.1 response parsing for the load generator: status and `Content-Length`.

/// The status and total length of the first response in `bytes`, once all of it has arrived.
pub fn complete(bytes: &[u8]) -> Result<Option<(u16, usize)>, String> {
    let Some(head_end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else { return Ok(None) };
    let head = std::str::from_utf8(&bytes[..head_end]).map_err(|_| "an answer's head is not UTF-8".to_string())?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not an HTTP status line: {:?}", head.lines().next().unwrap_or_default()))?;
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.trim().parse::<usize>().map_err(|_| format!("bad Content-Length {value:?}")))
        .transpose()?
        .ok_or("an answer without Content-Length (chunked answers are not supported)")?;
    let total = head_end + 4 + length;
    Ok((bytes.len() >= total).then_some((status, total)))
}

#[cfg(test)]
mod tests {
    use super::complete;

    #[test]
    fn a_response_counts_once_all_of_its_body_is_there() {
        let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
        assert_eq!(complete(&answer[..20]), Ok(None));
        assert_eq!(complete(&answer[..answer.len() - 1]), Ok(None));
        assert_eq!(complete(answer), Ok(Some((200, answer.len()))));
        let mut two = answer.to_vec();
        two.extend_from_slice(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(complete(&two), Ok(Some((200, answer.len()))));
        assert_eq!(complete(&two[answer.len()..]), Ok(Some((401, two.len() - answer.len()))));
    }

    #[test]
    fn answers_it_cannot_count_are_errors() {
        assert!(complete(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").is_err());
        assert!(complete(b"garbage\r\n\r\n").is_err());
        assert!(complete(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").is_err());
    }
}
