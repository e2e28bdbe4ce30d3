//! Just enough HTTP/1.1 to read one response after another off a connection: the status, the
//! headers, and a body framed by Content-Length, chunked encoding or the end of the connection.

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncRead, AsyncReadExt};

/// A response head larger than this is not what the gateway sends; stop rather than buffer it.
const MAX_HEAD: usize = 64 * 1024;

pub struct Response {
    pub status: u16,
    /// Names as sent; look them up with [`Response::header`].
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The server said it closes the connection after this response.
    pub close: bool,
}

/// Bytes read but not yet consumed, so a response that arrives in pieces (or together with
/// the start of the next one) is framed correctly.
#[derive(Default)]
pub struct Reader {
    buf: Vec<u8>,
}

enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

impl Response {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Reader {
    pub async fn response<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Result<Response> {
        let head_len = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() > MAX_HEAD {
                bail!("response head larger than {MAX_HEAD} bytes");
            }
            self.fill(stream).await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_len]).context("response head")?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        if !parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) {
            bail!("not an HTTP/1.x response: {status_line:?}");
        }
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("no status in {status_line:?}"))?;
        let mut length = None;
        let mut chunked = false;
        let mut close = false;
        let mut headers = Vec::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let (name, value) = line
                .split_once(':')
                .with_context(|| format!("malformed header {line:?}"))?;
            let (name, value) = (name.trim(), value.trim());
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>().context("Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value
                    .rsplit(',')
                    .next()
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("chunked"));
            } else if name.eq_ignore_ascii_case("connection") {
                close |= value
                    .split(',')
                    .any(|v| v.trim().eq_ignore_ascii_case("close"));
            }
            headers.push((name.to_owned(), value.to_owned()));
        }
        self.buf.drain(..head_len);
        // Chunked wins over any Content-Length (RFC 9112 §6.3).
        let framing = match (chunked, length) {
            _ if status == 204 || status == 304 || (100..200).contains(&status) => {
                Framing::Length(0)
            }
            (true, _) => Framing::Chunked,
            (false, Some(n)) => Framing::Length(n),
            (false, None) => Framing::UntilClose,
        };
        let body = match framing {
            Framing::Length(n) => {
                self.want(stream, n).await?;
                self.buf.drain(..n).collect()
            }
            Framing::Chunked => self.chunked(stream).await?,
            Framing::UntilClose => {
                close = true;
                let mut body = std::mem::take(&mut self.buf);
                read_to_eof(stream, &mut body).await?;
                body
            }
        };
        Ok(Response {
            status,
            headers,
            body,
            close,
        })
    }

    async fn chunked<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line(stream).await?;
            let size = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16)
                .with_context(|| format!("bad chunk size {size:?}"))?;
            if size == 0 {
                // Trailers, up to the empty line that ends the message.
                while !self.line(stream).await?.is_empty() {}
                return Ok(body);
            }
            self.want(stream, size + 2).await?;
            if &self.buf[size..size + 2] != b"\r\n" {
                bail!("chunk not followed by CRLF");
            }
            body.extend_from_slice(&self.buf[..size]);
            self.buf.drain(..size + 2);
        }
    }

    /// The next CRLF-terminated line, consumed.
    async fn line<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Result<String> {
        loop {
            if let Some(i) = find(&self.buf, b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 2);
                return Ok(line);
            }
            if self.buf.len() > MAX_HEAD {
                bail!("chunk line larger than {MAX_HEAD} bytes");
            }
            self.fill(stream).await?;
        }
    }

    async fn want<S: AsyncRead + Unpin>(&mut self, stream: &mut S, n: usize) -> Result<()> {
        while self.buf.len() < n {
            self.fill(stream).await?;
        }
        Ok(())
    }

    async fn fill<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Result<()> {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("connection closed in the middle of a response");
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

/// Reads until the peer closes. A TLS peer that closes without `close_notify` has still sent
/// everything it meant to, so that counts as the end too.
pub async fn read_to_eof<S: AsyncRead + Unpin>(stream: &mut S, into: &mut Vec<u8>) -> Result<()> {
    match stream.read_to_end(into).await {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse_all(wire: &[u8]) -> Vec<Response> {
        let mut stream = wire;
        let mut reader = Reader::default();
        let mut out = Vec::new();
        while !stream.is_empty() || !reader.buf.is_empty() {
            out.push(reader.response(&mut stream).await.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn frames_by_length_and_by_chunks_back_to_back() {
        let wire = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok\
HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;x=y\r\no\r\n1\r\nk\r\n0\r\nT: 1\r\n\r\n\
HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
        let responses = parse_all(wire).await;
        assert_eq!(responses.len(), 3);
        assert_eq!(responses[0].body, b"ok");
        assert_eq!(responses[0].header("Content-Length"), Some("2"));
        assert!(!responses[0].close);
        assert_eq!(responses[1].body, b"ok");
        assert_eq!(responses[2].status, 204);
        assert!(responses[2].close);
    }

    #[tokio::test]
    async fn reads_to_the_end_without_framing() {
        let responses = parse_all(b"HTTP/1.0 400 Bad Request\r\n\r\nno cert").await;
        assert_eq!(responses[0].status, 400);
        assert_eq!(responses[0].body, b"no cert");
        assert!(responses[0].close);
    }

    #[tokio::test]
    async fn refuses_a_cut_response() {
        let mut stream: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok";
        assert!(Reader::default().response(&mut stream).await.is_err());
    }
}
