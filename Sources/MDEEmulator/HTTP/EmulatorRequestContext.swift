import Hummingbird
import NIOCore
import Synchronization

/// The request context: the connection (so a fault can drop it) and the journal entry being filled in.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on (nil only if the source has none).
    let channel: (any Channel)?
    /// What the handlers learn about the request, for the journal.
    let draft = JournalDraft()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Closes the connection without writing a response; the client sees a transport error.
    func dropConnection() async {
        guard let channel else { return }
        try? await channel.close(mode: .all).get()
    }
}

/// The journal fields a handler fills in while it works.
final class JournalDraft: Sendable {
    private let fields = Mutex(Fields())

    struct Fields: Sendable {
        var api: EmulatorAPI?
        var machineId: String?
        var actionId: String?
        var sha1: String?
        var created = false
        var fault: String?
    }

    func update(_ change: (inout Fields) -> Void) {
        fields.withLock { change(&$0) }
    }

    var snapshot: Fields {
        fields.withLock { $0 }
    }
}
