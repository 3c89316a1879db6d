/// The MDE APIs that each have their own limits (docs/API.md, "Rate limits": "per API").
public enum QuotaAPI: String, Sendable, Codable, CaseIterable {
    case stopAndQuarantine = "StopAndQuarantineFile"
    case cancel = "CancelMachineAction"
    case listActions = "ListMachineActions"
    case getAction = "GetMachineAction"
    /// `GET /api/machines`: device names to machine ids.
    case listMachines = "ListMachines"
    /// `GET /api/files/{id}`: a SHA-256 to its SHA-1.
    case getFile = "GetFile"
    /// `GET /api/files/{sha1}/machines`: the devices that saw a file (`mdebatch targets`).
    case listFileMachines = "ListFileMachines"
}
