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
        // A `\r` before the `\n` is not part of the line; a `\r` at the end of
        // what is buffered may be followed by the `\n` in the next read.
        let ends_in_cr = match chunk.last() {
            Some(&last) => last == b'\r',
            None => line.last() == Some(&b'\r'),
        };
        if line.len() + chunk.len() > limit + usize::from(ends_in_cr) {
            let take = limit.saturating_sub(line.len()).min(chunk.len());
            line.extend_from_slice(&chunk[..take]);
            line.truncate(limit);
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

    #[tokio::test]
    async fn a_carriage_return_before_the_newline_does_not_count() {
        let mut input: &[u8] = b"12345678\r\n123456789\r\n1234567\r8\n";
        assert_eq!(
            read_line(&mut input, 8).await.unwrap(),
            LineRead::Line(b"12345678".to_vec())
        );
        assert_eq!(
            read_line(&mut input, 8).await.unwrap(),
            LineRead::TooLong(b"12345678".to_vec())
        );
        // A `\r` inside the line counts.
        assert_eq!(
            read_line(&mut input, 8).await.unwrap(),
            LineRead::TooLong(b"1234567\r".to_vec())
        );
    }

    #[tokio::test]
    async fn a_carriage_return_split_from_its_newline_does_not_count() {
        let (mut writer, reader) = tokio::io::duplex(64);
        let mut reader = tokio::io::BufReader::new(reader);
        use tokio::io::AsyncWriteExt as _;
        writer.write_all(b"12345678\r").await.unwrap();
        let read = tokio::spawn(async move { read_line(&mut reader, 8).await.unwrap() });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        writer.write_all(b"\n").await.unwrap();
        assert_eq!(read.await.unwrap(), LineRead::Line(b"12345678".to_vec()));
    }
}
