/// How a batch's body is encoded for a caller that accepts compression.
package enum BatchEncoding: Hashable, Sendable {
    /// The whole JSON gzipped (`Content-Encoding: gzip`).
    case gzip
    /// The JSON gzipped with its match keys taken out, and their bytes after the gzip stream
    /// (`Content-Encoding: vve-gzip-keys`, their length in `VVE-Key-Bytes`): see
    /// `SplitMatchKeys`. For vve's own client, which asks for it.
    case gzipWithKeysApart

    /// The `Content-Encoding` token.
    package var token: String {
        switch self {
        case .gzip: "gzip"
        case .gzipWithKeysApart: "vve-gzip-keys"
        }
    }

    /// The encoding to answer with, for a request's `Accept-Encoding`; nil for none.
    package static func chosen(accepting acceptEncoding: String?) -> BatchEncoding? {
        let accepted = acceptEncoding?.lowercased() ?? ""
        if accepted.contains(BatchEncoding.gzipWithKeysApart.token) { return .gzipWithKeysApart }
        return accepted.contains("gzip") ? .gzip : nil
    }
}
