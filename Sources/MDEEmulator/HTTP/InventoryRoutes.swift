import Hummingbird

/// The read-only inventory routes a resolver of device names and file hashes uses:
/// - `GET /api/machines` (https://learn.microsoft.com/en-us/defender-endpoint/api/get-machines);
/// - `GET /api/files/{id}`, id a SHA-1 or SHA-256
///   (https://learn.microsoft.com/en-us/defender-endpoint/api/get-file-information);
/// - `GET /api/files/{sha1}/machines`
///   (https://learn.microsoft.com/en-us/defender-endpoint/api/get-file-related-machines).
///
/// Each has its own rate-limit bucket and is served under `/api` and `/api/v1.0`, like the action routes.
struct InventoryRoutes<C: Clock<Duration>>: APIRouteSteps {
    typealias Context = EmulatorRequestContext
    let state: EmulatorState<C>
    var configuration: EmulatorConfiguration { state.configuration }

    func add(to router: Router<Context>) {
        for prefix in ActionRoutes<C>.prefixes {
            router.get("\(prefix)/machines") { request, context in
                try await self.listMachines(request, context: context, prefix: prefix)
            }
            router.get("\(prefix)/files/:fileId") { request, context in
                try await self.getFile(request, context: context, prefix: prefix)
            }
            router.get("\(prefix)/files/:fileId/machines") { request, context in
                try await self.fileMachines(request, context: context, prefix: prefix)
            }
        }
    }

    /// `GET /api/machines`: the machines matching the query, 404 `ResourceNotFound` when none does.
    func listMachines(_ request: Request, context: Context, prefix: String) async throws -> Response {
        context.draft.update { $0.api = .listMachines }
        try await gate(request, api: .listMachines)
        let fault = try await preFault(context, eligible: configuration.faultsApplyToGets)
        let query = try MachineQuery(options: decodeQuery(request.uri.query))
        let all = query.sorted(state.inventory.machines.filter { query.matches($0) })
        // "If there are no recent machines, you see 404 Not Found": an empty result, not an empty page.
        guard !all.isEmpty else { throw MDEError.noMachinesFound }
        let size = query.top ?? configuration.listPageSize
        let page = Array(all.dropFirst(query.skip).prefix(size))
        try await postFault(fault, context)
        var nextLink: String?
        if query.top == nil, all.count > query.skip + page.count {
            var options: [String] = []
            if let filter = query.filterText { options.append("$filter=\(encodeQueryValue(filter))") }
            if let orderBy = query.orderByText { options.append("$orderby=\(encodeQueryValue(orderBy))") }
            if query.count { options.append("$count=true") }
            options.append("$skip=\(query.skip + page.count)")
            nextLink = "\(baseURL(request))\(prefix)/machines?\(options.joined(separator: "&"))"
        }
        let list = MachineEntityList(
            odataContext: "\(baseURL(request))\(prefix)/$metadata#Machines", count: query.count ? all.count : nil,
            value: page, nextLink: nextLink
        )
        return try jsonResponse(status: .ok, list)
    }

    /// `GET /api/files/{id}`: a SHA-1 or a SHA-256, in either case. An MD5 is refused (400): the
    /// docs name SHA-1 and SHA-256 only, and whether MD5 works is not confirmed.
    func getFile(_ request: Request, context: Context, prefix: String) async throws -> Response {
        let id = context.parameters.get("fileId") ?? ""
        context.draft.update {
            $0.api = .getFile
            if id.isFortyHex { $0.sha1 = id.lowercased() }
        }
        try await gate(request, api: .getFile)
        let fault = try await preFault(context, eligible: configuration.faultsApplyToGets)
        guard id.isFortyHex || id.isHex(length: 64) else {
            throw MDEError.unsupportedFileIdentifier(id, accepted: "a SHA-1 (40 hex digits) or a SHA-256 (64 hex digits)")
        }
        guard var file = state.inventory.file(hash: id) else { throw MDEError.fileNotFound(id) }
        context.draft.update { $0.sha1 = file.sha1 }
        try await postFault(fault, context)
        file.odataContext = "\(baseURL(request))\(prefix)/$metadata#Files/$entity"
        return try jsonResponse(status: .ok, file)
    }

    /// `GET /api/files/{sha1}/machines`: every machine that saw the file, in one response (paging
    /// is not documented); an unknown file is an empty set, not a 404. "Only SHA-1 is supported
    /// (not MD5 or SHA-256)": any other id is refused (400).
    func fileMachines(_ request: Request, context: Context, prefix: String) async throws -> Response {
        let id = context.parameters.get("fileId") ?? ""
        context.draft.update {
            $0.api = .listFileMachines
            if id.isFortyHex { $0.sha1 = id.lowercased() }
        }
        try await gate(request, api: .listFileMachines)
        let fault = try await preFault(context, eligible: configuration.faultsApplyToGets)
        guard id.isFortyHex else {
            throw MDEError.unsupportedFileIdentifier(id, accepted: "a SHA-1 only (40 hex digits), not MD5 or SHA-256")
        }
        let machines = state.inventory.machines(seeingSha1: id)
        try await postFault(fault, context)
        let list = MachineEntityList(odataContext: "\(baseURL(request))\(prefix)/$metadata#Machines", value: machines)
        return try jsonResponse(status: .ok, list)
    }
}
