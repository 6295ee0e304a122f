/// A socket failure between the bridge and vpcd, with the errno and what to do about it.
public struct VPCDError: Error, Hashable, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        let text = String(cString: strerror(errno))
        return "\(operation): \(text) (errno \(errno)); is pcscd running with the vpcd driver (vsmartcard-vpcd)? scripts/with-pcscd starts one"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
