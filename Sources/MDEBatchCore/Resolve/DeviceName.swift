/// How device names compare (docs/INPUTS.md, "Names and SHA-256"): without regard to
/// case; a short name matches the first label of an FQDN, an FQDN matches exactly.
public enum DeviceName {
    /// The name as it is compared and cached: lower-cased, without a trailing dot.
    public static func key(_ name: String) -> String {
        var key = name.lowercased()
        while key.hasSuffix(".") { key.removeLast() }
        return key
    }

    /// Whether the name is a fully qualified one (it has a dot).
    public static func isQualified(_ key: String) -> Bool { key.contains(".") }

    /// Whether an inventory record's `computerDnsName` is the device `key` names.
    public static func matches(_ key: String, computerDnsName: String) -> Bool {
        let record = Self.key(computerDnsName)
        if isQualified(key) { return record == key }
        if record == key { return true }
        guard let dot = record.firstIndex(of: ".") else { return false }
        return record[..<dot] == key
    }
}
