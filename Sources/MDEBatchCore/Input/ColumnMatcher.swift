/// Finds the device (id or name), file (SHA-1 or SHA-256) and comment columns among a
/// header's names (or a JSON object's keys).
///
/// Names are compared case-insensitively, ignoring spaces, `_`, `-` and `.`, so
/// `Machine ID`, `machine_id` and `MachineId` are one name. An override
/// (`--machine-column` …) replaces the aliases of its column. When several columns match,
/// the best-ranked alias wins, then the leftmost column.
struct ColumnMatcher: Sendable {
    /// What a column holds.
    enum Role: Int, Sendable, CaseIterable {
        case machineId, sha1, comment, deviceName, sha256

        var words: String {
            switch self {
            case .machineId: return "machine id"
            case .sha1: return "sha1"
            case .comment: return "comment"
            case .deviceName: return "device name"
            case .sha256: return "sha256"
            }
        }
    }

    /// The built-in aliases, as documented (normalized forms are derived from them).
    static let aliases: [Role: [String]] = [
        .machineId: ["machineId", "machine_id", "Machine ID", "deviceId", "DeviceId", "device_id", "Device ID"],
        .sha1: ["sha1", "SHA1", "sha-1", "FileSha1", "file_sha1"],
        .comment: ["comment", "Comment", "requestorComment", "reason"],
        // Resolved through the API before sending (docs/INPUTS.md, "Names and SHA-256").
        .deviceName: ["DeviceName", "Device Name", "computerDnsName", "ComputerName", "Computer", "Hostname", "Host"],
        .sha256: ["SHA256", "SHA-256", "FileSHA256"],
    ]

    private let normalizedAliases: [Role: [String]]
    private let shownNames: [Role: [String]]
    /// Whether name and SHA-256 columns are read (`--no-resolve` turns them off).
    let resolves: Bool
    /// The roles whose column was named on the command line.
    private let overridden: Set<Role>

    init(options: IngestOptions) {
        var normalized: [Role: [String]] = [:]
        var shown: [Role: [String]] = [:]
        let overrides: [Role: String?] = [
            .machineId: options.machineColumn, .sha1: options.sha1Column, .comment: options.commentColumn,
            .deviceName: options.deviceNameColumn, .sha256: options.sha256Column,
        ]
        resolves = options.resolve
        overridden = Set(Role.allCases.filter { (overrides[$0] ?? nil) != nil })
        for role in Role.allCases {
            if !options.resolve && (role == .deviceName || role == .sha256) { continue }
            if let override = overrides[role] ?? nil {
                normalized[role] = [Self.normalize(override)]
                shown[role] = ["\"\(override)\""]
            } else {
                var seen: [String] = []
                for alias in Self.aliases[role] ?? [] where !seen.contains(Self.normalize(alias)) {
                    seen.append(Self.normalize(alias))
                }
                normalized[role] = seen
                shown[role] = Self.aliases[role] ?? []
            }
        }
        normalizedAliases = normalized
        shownNames = shown
    }

    /// Lower-cases and removes spaces, `_`, `-` and `.` (and any other whitespace).
    static func normalize(_ name: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(name.unicodeScalars.count)
        for scalar in name.unicodeScalars {
            switch scalar {
            case " ", "_", "-", ".", "\t", "\u{FEFF}", "\u{A0}": continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result.lowercased()
    }

    /// The role a name plays and how well it ranks (0 is best), or `nil`.
    func role(of name: String) -> (role: Role, rank: Int)? {
        let key = Self.normalize(name)
        for role in Role.allCases {
            if let rank = normalizedAliases[role]?.firstIndex(of: key) { return (role, rank) }
        }
        return nil
    }

    /// Picks the column index of each role among `names`.
    ///
    /// - Throws: ``InputError/missingColumn(source:column:lookedFor:found:)`` when neither a
    ///   machine id nor a device name column is present, or neither a sha1 nor a sha256
    ///   column. The comment column is optional (the default comment or a
    ///   `missing-comment` rejection covers it).
    func select(from names: [String], source: String) throws -> ColumnSelection {
        var best: [Role: (index: Int, rank: Int)] = [:]
        for (index, name) in names.enumerated() {
            guard let match = role(of: name) else { continue }
            if let current = best[match.role], current.rank <= match.rank { continue }
            best[match.role] = (index, match.rank)
        }
        let selection = ColumnSelection(
            machineId: best[.machineId]?.index, sha1: best[.sha1]?.index, comment: best[.comment]?.index,
            deviceName: best[.deviceName]?.index, sha256: best[.sha256]?.index)
        if let missing = missingRole(present: Set(best.keys)) {
            throw missingColumn(missing, source: source, found: names)
        }
        return selection
    }

    /// The first required role with no column among `present`: a device (id or name) and
    /// a file (SHA-1 or SHA-256).
    func missingRole(present: Set<Role>) -> Role? {
        if !present.contains(.machineId) && !present.contains(.deviceName) { return .machineId }
        if !present.contains(.sha1) && !present.contains(.sha256) { return .sha1 }
        return nil
    }

    /// The error for a role no column matched (a device or file role names its
    /// alternative's aliases too).
    func missingColumn(_ role: Role, source: String, found: [String]) -> InputError {
        var lookedFor = shownNames[role] ?? []
        var column = role.words
        if resolves, role == .machineId || role == .sha1, !overridden.contains(role) {
            let alternative: Role = role == .machineId ? .deviceName : .sha256
            lookedFor += shownNames[alternative] ?? []
            column += " or " + alternative.words
        }
        return .missingColumn(source: source, column: column, lookedFor: lookedFor, found: found)
    }
}
