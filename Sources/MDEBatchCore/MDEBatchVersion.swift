/// The tool's version, shown by `--version` and sent as part of the user agent.
public enum MDEBatchVersion {
    public static let current = "0.1.0"
}
