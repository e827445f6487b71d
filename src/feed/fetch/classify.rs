//! What a network error comes down to: reqwest's error chains (hyper, io, rustls …) read link
//! by link, so a failure can be said in one sentence and logged in full.

/// What a network error comes down to, read from its source chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Cause {
    /// The name did not resolve.
    NoSuchHost,
    /// The connection was refused.
    Refused,
    /// A time limit ran out.
    Timeout,
    /// TLS failed (only while connecting), with a short reason.
    Tls(String),
    /// Anything else: the innermost message.
    Other(String),
}

/// Classifies an error by walking its source chain (and the errors wrapped inside `io::Error`s,
/// whose `source()` skips them). `connecting` says the failure happened before any HTTP
/// exchange; only then can invalid data mean a failed TLS handshake.
pub(super) fn cause(err: &(dyn std::error::Error + 'static), connecting: bool) -> Cause {
    let links = links(err);
    let kinds: Vec<std::io::ErrorKind> =
        links.iter().filter_map(|e| e.downcast_ref::<std::io::Error>()).map(std::io::Error::kind).collect();
    let texts: Vec<String> = links.iter().map(|e| e.to_string().to_lowercase()).collect();
    let said = |words: &[&str]| texts.iter().any(|t| words.iter().any(|w| t.contains(w)));
    if kinds.contains(&std::io::ErrorKind::ConnectionRefused) {
        Cause::Refused
    } else if kinds.contains(&std::io::ErrorKind::TimedOut) || said(&["timed out", "deadline has elapsed"]) {
        Cause::Timeout
    } else if said(&[
        "dns error",
        "error resolving dns",
        "failed to lookup address",
        "name or service not known",
        "nodename nor servname",
        "no address associated",
        "temporary failure in name resolution",
    ]) {
        Cause::NoSuchHost
    } else if connecting
        && (kinds.contains(&std::io::ErrorKind::InvalidData) || said(&["tls", "certificate", "handshake"]))
    {
        let reason = root_message(err);
        if reason.contains("InvalidContentType") || reason.contains("corrupt message") {
            Cause::Tls("the server does not speak TLS on this port (try http://)".into())
        } else {
            Cause::Tls(reason)
        }
    } else {
        Cause::Other(root_message(err))
    }
}

/// Every error in the chain, outermost first. An `io::Error` that wraps another error is
/// followed into the wrapped one (its own `source()` skips it, going to the wrapped one's
/// source), so a TLS error inside two `io::Error`s is seen.
fn links<'a>(err: &'a (dyn std::error::Error + 'static)) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = vec![err];
    let mut current = err;
    while out.len() < 32 {
        let wrapped = current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn std::error::Error + 'static));
        match wrapped.or_else(|| current.source()) {
            Some(next) => {
                out.push(next);
                current = next;
            }
            None => break,
        }
    }
    out
}

/// The innermost message of the chain, without the OS error number: usually the one that
/// says what actually happened ("Connection reset by peer").
pub(crate) fn root_message(err: &(dyn std::error::Error + 'static)) -> String {
    let deepest = links(err).last().map_or_else(|| err.to_string(), ToString::to_string);
    let text = match deepest.find(" (os error ") {
        Some(at) => deepest[..at].to_string(),
        None => deepest,
    };
    if text.is_empty() { err.to_string() } else { text }
}

/// The whole chain on one line, each message once: for the log.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for link in links(err) {
        let msg = link.to_string();
        if !parts.iter().any(|p| p.contains(&msg)) {
            parts.push(msg);
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::super::{ConnectFailure, FetchError};
    use super::*;

    /// A link of a hand-made error chain.
    #[derive(Debug)]
    struct Link(&'static str, Option<Box<dyn std::error::Error + Send + Sync>>);

    impl std::fmt::Display for Link {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Link {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
        }
    }

    /// reqwest's shape: request error → client error (Connect) → `what` → `cause`.
    fn connect_chain(what: &'static str, cause: std::io::Error) -> Link {
        Link(
            "error sending request for url (https://example.org/)",
            Some(Box::new(Link("client error (Connect)", Some(Box::new(Link(what, Some(Box::new(cause)))))))),
        )
    }

    #[test]
    fn a_name_that_does_not_resolve_is_named_as_such() {
        // As hyper-util and reqwest report a failed getaddrinfo.
        let gai = std::io::Error::other("failed to lookup address information: Name or service not known");
        let err = connect_chain("dns error", gai);
        assert_eq!(cause(&err, true), Cause::NoSuchHost);
        let shown =
            FetchError::Unreachable { host: "nonexist.invalid".into(), why: ConnectFailure::NoSuchHost };
        assert_eq!(
            shown.to_string(),
            "cannot reach nonexist.invalid: the name does not resolve (check the address or the network)"
        );
        assert!(!shown.could_not_connect(), "http:// would not resolve either");
        // The message alone is enough, whatever wraps it.
        let bare = Link(
            "error resolving DNS",
            Some(Box::new(std::io::Error::other("Temporary failure in name resolution"))),
        );
        assert_eq!(cause(&bare, true), Cause::NoSuchHost);
    }

    #[test]
    fn refused_timed_out_and_reset_connections() {
        let refused = connect_chain("tcp connect error", std::io::ErrorKind::ConnectionRefused.into());
        assert_eq!(cause(&refused, true), Cause::Refused);
        let timed_out = Link("error sending request", Some(Box::new(Link("operation timed out", None))));
        assert_eq!(cause(&timed_out, false), Cause::Timeout);
        let io_timeout = connect_chain("tcp connect error", std::io::ErrorKind::TimedOut.into());
        assert_eq!(cause(&io_timeout, true), Cause::Timeout);
        let reset = Link(
            "error decoding response body",
            Some(Box::new(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "Connection reset by peer (os error 104)",
            ))),
        );
        assert_eq!(cause(&reset, false), Cause::Other("Connection reset by peer".into()));
    }

    #[test]
    fn tls_failures_are_found_inside_wrapped_io_errors() {
        // tokio-rustls wraps the rustls error in an io::Error, which hyper wraps in another;
        // io::Error::source() skips the inner one.
        let inner = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            Link("received corrupt message of type InvalidContentType", None),
        );
        let err = Link("client error (Connect)", Some(Box::new(std::io::Error::other(inner))));
        assert_eq!(
            cause(&err, true),
            Cause::Tls("the server does not speak TLS on this port (try http://)".into())
        );
        let cert = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            Link("invalid peer certificate: UnknownIssuer", None),
        );
        let err = Link("client error (Connect)", Some(Box::new(cert)));
        assert_eq!(cause(&err, true), Cause::Tls("invalid peer certificate: UnknownIssuer".into()));
        // Bad data after the connection was made is no handshake failure.
        let body = Link(
            "error decoding response body",
            Some(Box::new(std::io::Error::new(std::io::ErrorKind::InvalidData, "corrupt deflate stream"))),
        );
        assert_eq!(cause(&body, false), Cause::Other("corrupt deflate stream".into()));
    }
}
