import ArgumentParser
import Testing

@testable import mdebatch

struct RootCommandTests {
    @Test func rootCommandIsNamedMdebatch() {
        #expect(MDEBatchCommand.configuration.commandName == "mdebatch")
    }
}
