import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1
import VVEConfig
import VVECore
import VVESync

/// Why a request to a peer failed.
package struct PeerRequestError: Error, Sendable, CustomStringConvertible {
    package var description: String
}
