//! `cargo xtask serve`: the book at http://localhost:3000, rebuilt when its sources
//! change.
//!
//! A deliberately small static file server (GET and HEAD on loopback only) so that
//! reading the book needs nothing beyond the workspace's own dependencies.

use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Serves `dir` on `127.0.0.1:port` until the process is stopped, calling `rebuild`
/// whenever a file under one of `watched` changes.
pub fn serve(
    dir: &Path,
    port: u16,
    watched: Vec<PathBuf>,
    rebuild: impl Fn() + Send + 'static,
) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).with_context(|| {
        format!("cannot listen on port {port}: is another server using it? try --port")
    })?;
    println!("Serving the book at http://localhost:{port} (Ctrl-C to stop)");
    std::thread::spawn(move || {
        let mut last = newest_change(&watched);
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = newest_change(&watched);
            if now > last {
                last = now;
                rebuild();
            }
        }
    });
    for stream in listener.incoming().flatten() {
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            let _ = respond(stream, &dir);
        });
    }
    Ok(())
}

fn newest_change(paths: &[PathBuf]) -> Option<SystemTime> {
    let mut newest = None;
    for path in paths {
        crate::markdown::walk(path, &mut |file| {
            let modified = file.metadata().and_then(|m| m.modified()).ok();
            newest = newest.max(modified);
        });
        if path.is_file() {
            newest = newest.max(path.metadata().and_then(|m| m.modified()).ok());
        }
    }
    newest
}

fn respond(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = String::new();
    BufReader::new(&stream).read_line(&mut request)?;
    let mut words = request.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return reply(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
            true,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(mut file) = local_path(dir, &percent_decode(path)) else {
        return reply(
            &mut stream,
            "400 Bad Request",
            "text/plain",
            b"bad path\n",
            true,
        );
    };
    if file.is_dir() {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => reply(
            &mut stream,
            "200 OK",
            content_type(&file),
            &body,
            method == "GET",
        ),
        Err(_) => {
            let body = std::fs::read(dir.join("404.html"))
                .unwrap_or_else(|_| b"not found\n".to_vec());
            reply(
                &mut stream,
                "404 Not Found",
                "text/html; charset=utf-8",
                &body,
                method == "GET",
            )
        }
    }
}

/// The file under `dir` a URL path names; `None` if it would leave `dir`.
fn local_path(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." || part.contains('\\') {
            return None;
        }
        file.push(part);
    }
    Some(file)
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn reply(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_book() {
        let dir = Path::new("/book");
        assert_eq!(
            local_path(dir, "/a/b.html"),
            Some(PathBuf::from("/book/a/b.html"))
        );
        assert_eq!(local_path(dir, "/a/../../etc/passwd"), None);
        assert_eq!(local_path(dir, &percent_decode("/%2e%2e/x")), None);
        assert_eq!(percent_decode("/a%20b"), "/a b");
    }
}
