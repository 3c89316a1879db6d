/// The deduplication key of a row that names its device or file in a way that must be
/// resolved first: `device|file`, where the device is the lower-cased machine id or
/// `name:` and the lower-cased name, and the file the SHA-1 or `sha256:` and the hash.
///
/// Two rows that only agree after resolution (`pc-042` and its id, or a file's SHA-1 and
/// SHA-256) are found when the resolution is applied (`StateStore.applyResolution`).
enum ResolutionKey {
    static func of(_ row: NormalizedRow) -> String {
        let device = row.deviceName.map { "name:" + DeviceName.key($0) } ?? row.machineId
        let file = row.sha256.map { "sha256:" + $0 } ?? row.sha1
        return device + "|" + file
    }
}
