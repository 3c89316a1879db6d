import Foundation

/// Configuration problems with the API endpoint, found before anything is sent.
public enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The base URL cannot be used (no scheme or host, or a query).
    case invalidBaseURL(String)
    /// `http://` to a host that is not loopback: tokens would cross the network in clear.
    case insecureBaseURL(String)
    /// A scheme other than `https` or `http`.
    case unsupportedScheme(String)

    public var description: String {
        switch self {
        case .invalidBaseURL(let url):
            "API base URL '\(url)' is not usable; give an absolute URL such as https://api.security.microsoft.com."
        case .insecureBaseURL(let url):
            "API base URL '\(url)' uses plain http to a host that is not loopback; use https (http is allowed only for 127.0.0.1, ::1 or localhost)."
        case .unsupportedScheme(let url):
            "API base URL '\(url)' has a scheme other than https; use https."
        }
    }
}

/// Which API base URLs are acceptable.
public enum APIEndpointPolicy {
    /// Accepts `https://` URLs, and `http://` only to a loopback host (127.0.0.0/8, ::1, localhost).
    ///
    /// - Throws: `APIError` naming the URL and what to use instead.
    public static func validate(baseURL: URL) throws(APIError) {
        let text = baseURL.absoluteString
        guard let scheme = baseURL.scheme?.lowercased(), let host = baseURL.host, !host.isEmpty,
            baseURL.query == nil
        else { throw .invalidBaseURL(text) }
        switch scheme {
        case "https": return
        case "http":
            guard isLoopback(host: host) else { throw .insecureBaseURL(text) }
        default: throw .unsupportedScheme(text)
        }
    }

    /// Whether `host` names the loopback interface without asking DNS: a literal loopback
    /// address (127.0.0.0/8, `::1`) or `localhost` itself.
    ///
    /// `localhost.` (with the root's trailing dot) is not: it is a fully qualified name that
    /// the resolver sends to DNS, which may answer with any address, and a token would
    /// then cross the network in clear.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" { return true }
        if name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }),
            let values = Optional(octets.compactMap { Int($0) }), values.count == 4,
            values.allSatisfy({ $0 <= 255 })
        else { return false }
        return values[0] == 127
    }
}
