/// The MDE APIs that each have their own limits (docs/API.md, "Rate limits": "per API").
public enum QuotaAPI: String, Sendable, Codable, CaseIterable {
    case stopAndQuarantine = "StopAndQuarantineFile"
    case cancel = "CancelMachineAction"
    case listActions = "ListMachineActions"
    case getAction = "GetMachineAction"
}
