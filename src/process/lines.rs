//! Reading lines with a bound, so a child cannot make the suite buffer
//! without limit.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// One read.
#[derive(Debug, PartialEq, Eq)]
pub enum LineRead {
    /// A complete line (without its newline).
    Line(Vec<u8>),
    /// The stream ended (a last line without newline is returned first as `Line`).
    Eof,
    /// The line grew past the limit; its start is kept.
    TooLong(Vec<u8>),
}

/// Reads the next line of at most `limit` bytes.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    limit: usize,
) -> std::io::Result<LineRead> {
    let mut line = Vec::new();
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(if line.is_empty() {
                LineRead::Eof
            } else {
                LineRead::Line(line)
            });
        }
        let (chunk, found) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if line.len() + chunk.len() > limit {
            let take = limit.saturating_sub(line.len()).min(chunk.len());
            line.extend_from_slice(&chunk[..take]);
            let consumed = found.unwrap_or(available.len());
            reader.consume(consumed);
            return Ok(LineRead::TooLong(line));
        }
        line.extend_from_slice(chunk);
        let consumed = found.unwrap_or(available.len());
        reader.consume(consumed);
        if found.is_some() {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(LineRead::Line(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounded_lines() {
        let mut input: &[u8] = b"one\r\ntwo\nthree-is-long\nlast";
        assert_eq!(
            read_line(&mut input, 8).await.unwrap(),
            LineRead::Line(b"one".to_vec())
        );
        assert_eq!(
            read_line(&mut input, 8).await.unwrap(),
            LineRead::Line(b"two".to_vec())
        );
        assert_eq!(
            read_line(&mut input, 8).await.unwrap(),
            LineRead::TooLong(b"three-is".to_vec())
        );
        assert_eq!(
            read_line(&mut input, 8).await.unwrap(),
            LineRead::Line(b"last".to_vec())
        );
        assert_eq!(read_line(&mut input, 8).await.unwrap(), LineRead::Eof);
    }
}
