import Foundation
import Testing

@testable import MDEBatchCore

/// What a refused or failing lookup tells the user to do.
struct ResolutionMessageTests {
    @Test func aRefusedNameLookupNamesMachineReadAll() {
        let failure = CallFailure(kind: .http(status: 403), code: "Forbidden", message: "no")
        let message = Resolver.message(for: failure, api: .listMachines)
        #expect(message.contains("Machine.Read.All"))
        #expect(message.contains("give machine ids and SHA-1s"))
    }

    @Test func aRefusedFileLookupNamesFileReadAll() {
        let failure = CallFailure(kind: .http(status: 403), code: "Forbidden", message: "no")
        #expect(Resolver.message(for: failure, api: .getFile).contains("File.Read.All"))
    }

    @Test func aLookupRefusedForAnotherReasonSaysWhatToGiveInstead() {
        let failure = CallFailure(kind: .http(status: 400), code: "InvalidInput", message: "bad")
        let message = Resolver.message(for: failure, api: .getFile)
        #expect(message.contains("the SHA-256 lookup (GET /api/files) failed"))
        #expect(message.contains("give machine ids and SHA-1s instead"))
    }

    @Test func targetsNamesThePermissionsItNeeds() {
        let failure = CallFailure(kind: .http(status: 403))
        #expect("\(TargetsLookup.Failure.refused(api: .getFile, failure: failure))".contains("File.Read.All"))
        #expect("\(TargetsLookup.Failure.refused(api: .listFileMachines, failure: failure))".contains("Machine.Read.All"))
    }
}
