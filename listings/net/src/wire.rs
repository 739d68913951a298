//! What travels in a datagram: JSON, so that a reader can watch the traffic with `tcpdump
//! -A`.

use process::{ClientId, ProcessId};
use serde::{Deserialize, Serialize};

/// One datagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Datagram<M, Req, Resp> {
    /// From another node: `id` numbers the sender's messages, for logs and diagrams.
    Peer {
        /// The sender.
        from: ProcessId,
        /// The sender's count of its messages.
        id: u64,
        /// The message.
        message: M,
    },
    /// From a client.
    Request {
        /// The client.
        client: ClientId,
        /// The request.
        request: Req,
    },
    /// To a client.
    Response {
        /// The client.
        client: ClientId,
        /// The response.
        response: Resp,
    },
}

/// Encodes a datagram.
pub fn encode<T: Serialize>(datagram: &T) -> Vec<u8> {
    serde_json::to_vec(datagram).expect("a process's types serialize")
}

/// Decodes a datagram, or says why it cannot.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}
