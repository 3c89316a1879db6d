/// The inventory as the routes serve it: wire entities with dates resolved against the emulator's
/// start time, machines in id order, and lookups by id and hash. Immutable once built.
struct InventoryIndex: Sendable {
    /// Every machine, ordered by id.
    let machines: [MachineEntity]
    private let machinesById: [String: MachineEntity]
    private let filesBySha1: [String: StoredFile]
    private let sha1BySha256: [String: String]

    private struct StoredFile: Sendable {
        var entity: FileEntity
        /// Lower-case ids of the machines that saw the file.
        var machineIds: [String]
    }

    /// - Throws: `InventoryError` when the inventory is not consistent (`Inventory.check()`).
    init(_ inventory: Inventory, start: EmulatorInstant) throws(InventoryError) {
        try inventory.check()
        let machines = inventory.machines.map { Self.entity($0, start: start) }.sorted { $0.id < $1.id }
        self.machines = machines
        self.machinesById = Dictionary(uniqueKeysWithValues: machines.map { ($0.id, $0) })
        var files: [String: StoredFile] = [:]
        var sha1BySha256: [String: String] = [:]
        for file in inventory.files {
            let sha1 = file.sha1.lowercased()
            files[sha1] = StoredFile(
                entity: Self.entity(file, start: start), machineIds: file.machineIds.map { $0.lowercased() })
            sha1BySha256[file.sha256.lowercased()] = sha1
        }
        self.filesBySha1 = files
        self.sha1BySha256 = sha1BySha256
    }

    func machine(id: String) -> MachineEntity? {
        machinesById[id.lowercased()]
    }

    /// The file whose SHA-1 (40 hex) or SHA-256 (64 hex) is `hash`, in any case.
    func file(hash: String) -> FileEntity? {
        let key = hash.lowercased()
        return filesBySha1[sha1BySha256[key] ?? key]?.entity
    }

    /// The machines that saw the file with this SHA-1, in id order; empty for an unknown file.
    func machines(seeingSha1 sha1: String) -> [MachineEntity] {
        guard let file = filesBySha1[sha1.lowercased()] else { return [] }
        return Set(file.machineIds).compactMap { machinesById[$0] }.sorted { $0.id < $1.id }
    }

    private static func entity(_ machine: InventoryMachine, start: EmulatorInstant) -> MachineEntity {
        let lastSeen = machine.lastSeen.resolved(start: start)
        let firstSeen = machine.firstSeen?.resolved(start: start) ?? lastSeen.advanced(by: .seconds(-90 * 86_400))
        return MachineEntity(
            id: machine.id.lowercased(), computerDnsName: machine.computerDnsName, firstSeen: firstSeen.iso8601,
            lastSeen: lastSeen.iso8601, osPlatform: machine.osPlatform, version: machine.version,
            osProcessor: machine.osProcessor, lastIpAddress: machine.lastIpAddress,
            lastExternalIpAddress: machine.lastExternalIpAddress, healthStatus: machine.healthStatus.rawValue,
            onboardingStatus: machine.onboardingStatus.rawValue, rbacGroupId: machine.rbacGroupId,
            rbacGroupName: machine.rbacGroupName, riskScore: machine.riskScore, exposureLevel: machine.exposureLevel,
            deviceValue: machine.deviceValue, aadDeviceId: machine.aadDeviceId, machineTags: machine.machineTags,
            mergedIntoMachineId: machine.mergedIntoMachineId?.lowercased(),
            isPotentialDuplication: machine.isPotentialDuplication, isExcluded: machine.isExcluded
        )
    }

    private static func entity(_ file: InventoryFile, start: EmulatorInstant) -> FileEntity {
        let firstObserved = file.globalFirstObserved?.resolved(start: start) ?? start.advanced(by: .seconds(-30 * 86_400))
        let lastObserved = file.globalLastObserved?.resolved(start: start) ?? start
        return FileEntity(
            sha1: file.sha1.lowercased(), sha256: file.sha256.lowercased(),
            globalPrevalence: file.globalPrevalence ?? Set(file.machineIds.map { $0.lowercased() }).count,
            globalFirstObserved: firstObserved.iso8601, globalLastObserved: lastObserved.iso8601, size: file.size,
            fileType: file.fileType, isPeFile: file.isPeFile, filePublisher: file.filePublisher,
            fileProductName: file.fileProductName, signer: file.signer, issuer: file.issuer, signerHash: file.signerHash,
            isValidCertificate: file.isValidCertificate, determinationType: file.determinationType,
            determinationValue: file.determinationValue
        )
    }
}
