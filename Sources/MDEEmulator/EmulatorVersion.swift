/// The emulator's name in its journal and logs.
public enum EmulatorVersion {
    public static let name = "mdebatch-emulator"
}
