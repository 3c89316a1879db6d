/// Finds the machine id, sha1 and comment columns among a header's names (or a JSON
/// object's keys).
///
/// Names are compared case-insensitively, ignoring spaces, `_`, `-` and `.`, so
/// `Machine ID`, `machine_id` and `MachineId` are one name. An override
/// (`--machine-column` …) replaces the aliases of its column. When several columns match,
/// the best-ranked alias wins, then the leftmost column.
struct ColumnMatcher: Sendable {
    /// What a column holds.
    enum Role: Int, Sendable, CaseIterable {
        case machineId, sha1, comment

        var words: String {
            switch self {
            case .machineId: return "machine id"
            case .sha1: return "sha1"
            case .comment: return "comment"
            }
        }
    }

    /// The built-in aliases, as documented (normalized forms are derived from them).
    static let aliases: [Role: [String]] = [
        .machineId: ["machineId", "machine_id", "Machine ID", "deviceId", "DeviceId", "device_id", "Device ID"],
        .sha1: ["sha1", "SHA1", "sha-1", "FileSha1", "file_sha1"],
        .comment: ["comment", "Comment", "requestorComment", "reason"],
    ]

    private let normalizedAliases: [Role: [String]]
    private let shownNames: [Role: [String]]

    init(options: IngestOptions) {
        var normalized: [Role: [String]] = [:]
        var shown: [Role: [String]] = [:]
        let overrides: [Role: String?] = [
            .machineId: options.machineColumn, .sha1: options.sha1Column, .comment: options.commentColumn,
        ]
        for role in Role.allCases {
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
    /// - Throws: ``InputError/missingColumn(source:column:lookedFor:found:)`` when the machine
    ///   id or sha1 column is absent. The comment column is optional (the default comment
    ///   or a `missing-comment` rejection covers it).
    func select(from names: [String], source: String) throws -> ColumnSelection {
        var best: [Role: (index: Int, rank: Int)] = [:]
        for (index, name) in names.enumerated() {
            guard let match = role(of: name) else { continue }
            if let current = best[match.role], current.rank <= match.rank { continue }
            best[match.role] = (index, match.rank)
        }
        guard let machineId = best[.machineId] else { throw missingColumn(.machineId, source: source, found: names) }
        guard let sha1 = best[.sha1] else { throw missingColumn(.sha1, source: source, found: names) }
        return ColumnSelection(machineId: machineId.index, sha1: sha1.index, comment: best[.comment]?.index)
    }

    /// The error for a role no column matched.
    func missingColumn(_ role: Role, source: String, found: [String]) -> InputError {
        .missingColumn(source: source, column: role.words, lookedFor: shownNames[role] ?? [], found: found)
    }
}
