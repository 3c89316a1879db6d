import MDEEmulator
import Testing

struct EmulatorVersionTests {
    @Test func emulatorHasAName() {
        #expect(EmulatorVersion.name == "mdebatch-emulator")
    }
}
