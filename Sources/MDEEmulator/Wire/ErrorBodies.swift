/// MDE's error body: `{"error":{"code","message","target"}}` (docs/API.md, "Errors").
public struct MDEErrorBody: Sendable, Hashable, Codable {
    public var error: Detail

    public struct Detail: Sendable, Hashable, Codable {
        public var code: String
        public var message: String
        /// The correlation id to quote to support; the emulator always writes a fresh GUID.
        public var target: String?
        /// Present on OData-layer errors (`[]`).
        public var details: [String]?

        public init(code: String, message: String, target: String?, details: [String]? = nil) {
            self.code = code
            self.message = message
            self.target = target
            self.details = details
        }
    }

    public init(error: Detail) {
        self.error = error
    }
}

/// Entra ID's token-endpoint error body: `{"error":"invalid_client","error_description":"…", …}`.
public struct EntraErrorBody: Sendable, Hashable, Codable {
    public var error: String
    public var errorDescription: String
    public var errorCodes: [Int]?
    public var timestamp: String?
    public var traceId: String?
    public var correlationId: String?

    public init(
        error: String, errorDescription: String, errorCodes: [Int]? = nil, timestamp: String? = nil,
        traceId: String? = nil, correlationId: String? = nil
    ) {
        self.error = error
        self.errorDescription = errorDescription
        self.errorCodes = errorCodes
        self.timestamp = timestamp
        self.traceId = traceId
        self.correlationId = correlationId
    }

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
        case errorCodes = "error_codes"
        case timestamp
        case traceId = "trace_id"
        case correlationId = "correlation_id"
    }
}

/// The token endpoint's success body: `{"token_type":"Bearer","expires_in":3599,"ext_expires_in":0,"access_token":"…"}`.
public struct TokenResponse: Sendable, Hashable, Codable {
    public var tokenType: String
    public var expiresIn: Int
    public var extExpiresIn: Int
    public var accessToken: String
    /// v1 endpoint only.
    public var expiresOn: String?
    /// v1 endpoint only.
    public var resource: String?

    public init(
        tokenType: String = "Bearer", expiresIn: Int, extExpiresIn: Int = 0, accessToken: String,
        expiresOn: String? = nil, resource: String? = nil
    ) {
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.extExpiresIn = extExpiresIn
        self.accessToken = accessToken
        self.expiresOn = expiresOn
        self.resource = resource
    }

    enum CodingKeys: String, CodingKey {
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case extExpiresIn = "ext_expires_in"
        case accessToken = "access_token"
        case expiresOn = "expires_on"
        case resource
    }
}

/// `GET /_emulator/clock`.
public struct EmulatorClockInfo: Sendable, Hashable, Codable {
    public var origin: String
    public var scale: Double
    public var now: String
}
