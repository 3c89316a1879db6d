import Foundation
import Hummingbird
import NIOCore

/// The `/api` routes: StopAndQuarantineFile, cancel, get one action, list actions.
///
/// Each route is served under `/api/...` and under the explicit-version form `/api/v1.0/...`:
/// the API's current version is 1.0, and a URL without a version means the latest
/// (https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-list).
struct ActionRoutes<C: Clock<Duration>>: APIRouteSteps {
    typealias Context = EmulatorRequestContext
    let state: EmulatorState<C>
    var configuration: EmulatorConfiguration { state.configuration }

    /// The path prefixes every API route is served under.
    static var prefixes: [String] { ["/api", "/api/v1.0"] }

    func add(to router: Router<Context>) {
        for prefix in Self.prefixes {
            router.post("\(prefix)/machines/:machineId/:verb") { request, context in
                try await self.stopAndQuarantineFile(request, context: context, prefix: prefix)
            }
            router.post("\(prefix)/machineactions/:actionId/:verb") { request, context in
                try await self.cancel(request, context: context, prefix: prefix)
            }
            router.get("\(prefix)/machineactions/:actionId") { request, context in
                try await self.getAction(request, context: context, prefix: prefix)
            }
            router.get("\(prefix)/machineactions") { request, context in
                try await self.listActions(request, context: context, prefix: prefix)
            }
        }
    }

    // MARK: - Routes

    func stopAndQuarantineFile(_ request: Request, context: Context, prefix: String) async throws -> Response {
        guard context.parameters.get("verb")?.lowercased() == "stopandquarantinefile" else { throw MDEError.notFound }
        let machineId = context.parameters.get("machineId") ?? ""
        context.draft.update {
            $0.api = .stopAndQuarantineFile
            $0.machineId = machineId.lowercased()
        }
        try await gate(request, api: .stopAndQuarantineFile)
        let fault = try await preFault(context, eligible: true)
        let body = try await jsonBody(request)
        let comment = try requiredString("Comment", in: body)
        let sha1 = try requiredString("Sha1", in: body)
        context.draft.update { $0.sha1 = sha1.lowercased() }
        guard sha1.isFortyHex else { throw MDEError.invalidHashValue(sha1) }
        switch configuration.disposition(ofMachine: machineId) {
        case .exists: break
        case .notFound: throw MDEError.machineNotFound(machineId)
        case .osPlatformNotSupported: throw MDEError.osPlatformNotSupported(machineId)
        case .forbidden: throw MDEError.forbidden(machineId)
        }
        var action = try await state.submit(machineId: machineId, sha1: sha1, comment: comment)
        context.draft.update {
            $0.actionId = action.id
            $0.created = true
        }
        try await postFault(fault, context)
        action.odataContext = entityContext(request, prefix: prefix)
        return try jsonResponse(status: .created, action)
    }

    func cancel(_ request: Request, context: Context, prefix: String) async throws -> Response {
        guard context.parameters.get("verb")?.lowercased() == "cancel" else { throw MDEError.notFound }
        let actionId = context.parameters.get("actionId") ?? ""
        context.draft.update {
            $0.api = .cancel
            $0.actionId = actionId.lowercased()
        }
        try await gate(request, api: .cancel)
        let fault = try await preFault(context, eligible: true)
        let body = try await jsonBody(request, allowEmpty: true)
        var comment: String?
        if let value = body["Comment"], !(value is NSNull) {
            guard let text = value as? String else { throw MDEError.invalidRequestBody }
            comment = text
        }
        var action = try await state.cancel(id: actionId, comment: comment)
        context.draft.update {
            $0.machineId = action.machineId
            $0.sha1 = action.relatedFileInfo?.fileIdentifier
        }
        try await postFault(fault, context)
        action.odataContext = entityContext(request, prefix: prefix)
        return try jsonResponse(status: .ok, action)
    }

    func getAction(_ request: Request, context: Context, prefix: String) async throws -> Response {
        let actionId = context.parameters.get("actionId") ?? ""
        context.draft.update {
            $0.api = .getAction
            $0.actionId = actionId.lowercased()
        }
        try await gate(request, api: .getAction)
        let fault = try await preFault(context, eligible: configuration.faultsApplyToGets)
        var action = try await state.action(id: actionId)
        context.draft.update {
            $0.machineId = action.machineId
            $0.sha1 = action.relatedFileInfo?.fileIdentifier
        }
        try await postFault(fault, context)
        action.odataContext = entityContext(request, prefix: prefix)
        return try jsonResponse(status: .ok, action)
    }

    func listActions(_ request: Request, context: Context, prefix: String) async throws -> Response {
        context.draft.update { $0.api = .listActions }
        try await gate(request, api: .listActions)
        let fault = try await preFault(context, eligible: configuration.faultsApplyToGets)
        let query = try ActionQuery(options: decodeQuery(request.uri.query))
        let result = await state.list(query)
        try await postFault(fault, context)
        var nextLink: String?
        if result.more {
            var options: [String] = []
            if let filter = query.filterText { options.append("$filter=\(encodeQueryValue(filter))") }
            if let orderBy = query.orderByText { options.append("$orderby=\(encodeQueryValue(orderBy))") }
            if query.count { options.append("$count=true") }
            options.append("$skip=\(query.skip + result.page.count)")
            nextLink = "\(baseURL(request))\(prefix)/machineactions?\(options.joined(separator: "&"))"
        }
        let list = MachineActionList(
            odataContext: "\(baseURL(request))\(prefix)/$metadata#MachineActions",
            count: query.count ? result.total : nil, value: result.page, nextLink: nextLink
        )
        return try jsonResponse(status: .ok, list)
    }

    // MARK: - Request bodies

    /// The body as a JSON object; checks the content type and the size limit.
    private func jsonBody(_ request: Request, allowEmpty: Bool = false) async throws -> [String: Any] {
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw MDEError.bodyTooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw MDEError.bodyTooLarge(limit: limit)
        }
        if buffer.readableBytes == 0, allowEmpty { return [:] }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else { throw MDEError.unsupportedMediaType }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw MDEError.invalidRequestBody
        }
        return object
    }

    /// A required string field, matched case-sensitively as MDE does.
    private func requiredString(_ name: String, in body: [String: Any]) throws -> String {
        guard let value = body[name], !(value is NSNull) else { throw MDEError.missingRequiredParameter(name) }
        guard let text = value as? String else { throw MDEError.invalidRequestBody }
        return text
    }

    /// The `@odata.context` of one entity, under the prefix the request used.
    private func entityContext(_ request: Request, prefix: String) -> String {
        "\(baseURL(request))\(prefix)/$metadata#MachineActions/$entity"
    }
}

/// `http://host:port` as the client addressed the emulator.
func baseURL(_ request: Request) -> String {
    "http://\(request.head.authority ?? "localhost")"
}

/// Whole seconds, rounded up, at least 1: the `Retry-After` convention.
func wholeSecondsRoundedUp(_ duration: Duration) -> Int {
    let ticks = duration.ticks
    let seconds = (ticks + EmulatorInstant.ticksPerSecond - 1) / EmulatorInstant.ticksPerSecond
    return max(1, Int(seconds))
}
