/// The inventory `mdebatch emulator` serves without `--inventory`: deterministic, with every case
/// a name and hash resolver has to get right. It matches `samples/hunting-export-2026-11-21.csv`
/// (device names and SHA-256s only); docs/EMULATOR.md lists the cases and the expected outcomes.
///
/// Dates are offsets from the emulator's start time, so the records are as recent at any date.
/// No machine id starts with `deadbeef`, `0b50` or `f0bd`, and no SHA-1 with `fa11` or `71e0`
/// (the prefixes of the submit rules).
extension Inventory {
    public static let `default` = Inventory(machines: DefaultInventory.machines, files: DefaultInventory.files)
}

enum DefaultInventory {
    /// Machine ids by record key (a record's name, with `-old`, `-new`, `-merged`, `-a`, `-b` or `-discovered` when a name has several).
    static let machineIds: [String: String] = [
        "ws-20": "7d5949bb069a29d143c4418d062ed44ef05da353",
        "ws-200": "636ac9e5a722efea014ec7512483d00d8dd5d77a",
        "ws-2001": "0eefbf48f026855dd355586d4991ca457eb85aa8",
        "ws-201": "69fa4196f8391b76dd5f12e8f9c6c0a33ff4b0f8",
        "ws-202": "fea78f55da936f370bc97fb56378b3650156815b",
        "ws-203": "67ca587c429213ff80081769f8b5b924d73ac2ff",
        "ws-204": "2f3eeb2929752b42e0ad26045c717bf341ce135a",
        "ws-205": "fd7c424dba26732103ce949b2b594a9c16c0791f",
        "ws-206": "73d24fc2a1bba88e19db35016d83c3e9006005a7",
        "ws-207": "56d0b4ea83e554a206ebe8b03df2f6157153cc7e",
        "ws-208": "372a9f4af0bf621229a3df1ba2b5f8ea07ed8e97",
        "ws-209": "0b0e319b92a941e2007dd7e1b2dc53b7ec292667",
        "ws-210-old": "89e3523d24242dbdab02b21b3b09935a9fe719a1",
        "ws-210-new": "a3eb5217238f37c96a5e055a54e25b5828f6f17f",
        "ws-211-merged": "b950d1671946a06c22e36df2a7dd7ec07ffd81dc",
        "ws-211": "fb2b95df31fe4640bbcd241ec3e579d6b89fdda8",
        "ws-212-a": "867be8d006a30321b4f16ce8290e0d6448ee0ed1",
        "ws-212-b": "51d5fcc06cc02c8c549506694bf7da6f701daa10",
        "ws-214": "0db4c4346aa95326a042afaa16e7aa6bcae5f6a7",
        "ws-214-discovered": "3acc26f04426184ed53147174ded1cb4b664a35f",
        "ws-215": "9628b16e4f30e539b5fdd17b3566d1058061cb9a",
        "kiosk-01": "56aa844a16ba8785ac91fabaed8ec05fb91807e6",
        "kiosk-02": "0acfe312e09c2e57bb0d4ab20a05c8201392daa5",
        "srv-app01": "a3adba3025396deb719d82ce2a93df2ab09cef42",
        "srv-file01": "7d2e921e2b515da2a542a792a7a9be72e378dd4b",
        "lt-frank": "054cb9cf2b79928ff20f3ccf6d08ec7ad6154d3c",
        "lt-grace": "87b131ecff7102e6c2adf0c0fe0d79af97263ba8",
        "mac-design01": "7f0519c75bb486809b2f2f991d07f31db84b11ac",
        "lnx-build01": "d0923dcf374e1c042feb823ee47bb066a97564b5",
    ]

    static let machines: [InventoryMachine] = [
        // Short name `ws-20`: `startswith(computerDnsName,'ws-20')` also returns ws-200…ws-215 and ws-2001.
        InventoryMachine(
            id: id("ws-20"), computerDnsName: "ws-20.contoso.local", firstSeen: .ago(days: 210), lastSeen: .ago(hours: 2),
            lastIpAddress: "10.20.10.10"),
        // Short name `ws-200`: `startswith(computerDnsName,'ws-200')` also returns ws-2001.
        InventoryMachine(
            id: id("ws-200"), computerDnsName: "ws-200.contoso.local", firstSeen: .ago(days: 300), lastSeen: .ago(minutes: 35),
            lastIpAddress: "10.20.47.63"),
        // Not in the sample: a decoy for the short name `ws-200`.
        InventoryMachine(
            id: id("ws-2001"), computerDnsName: "ws-2001.contoso.local", firstSeen: .ago(days: 120), lastSeen: .ago(hours: 4),
            lastIpAddress: "10.20.84.116"),
        // Written `WS-201` in the sample (short name, upper case).
        InventoryMachine(
            id: id("ws-201"), computerDnsName: "ws-201.contoso.local", firstSeen: .ago(days: 290), lastSeen: .ago(hours: 1),
            lastIpAddress: "10.20.121.169"),
        // Written as the exact FQDN in the sample.
        InventoryMachine(
            id: id("ws-202"), computerDnsName: "ws-202.contoso.local", firstSeen: .ago(days: 280), lastSeen: .ago(hours: 3),
            lastIpAddress: "10.20.158.222"),
        // Written `Ws-203.Contoso.Local` in the sample (FQDN, mixed case).
        InventoryMachine(
            id: id("ws-203"), computerDnsName: "ws-203.contoso.local", firstSeen: .ago(days: 270), lastSeen: .ago(minutes: 50),
            lastIpAddress: "10.20.195.35"),
        InventoryMachine(
            id: id("ws-204"), computerDnsName: "ws-204.contoso.local", firstSeen: .ago(days: 260), lastSeen: .ago(hours: 5),
            lastIpAddress: "10.20.32.88"),
        InventoryMachine(
            id: id("ws-205"), computerDnsName: "ws-205.contoso.local", firstSeen: .ago(days: 250), lastSeen: .ago(minutes: 12),
            lastIpAddress: "10.20.69.141"),
        InventoryMachine(
            id: id("ws-206"), computerDnsName: "ws-206.contoso.local", firstSeen: .ago(days: 240), lastSeen: .ago(hours: 7),
            lastIpAddress: "10.20.106.194"),
        InventoryMachine(
            id: id("ws-207"), computerDnsName: "ws-207.contoso.local", firstSeen: .ago(days: 230), lastSeen: .ago(hours: 2),
            lastIpAddress: "10.20.143.247"),
        InventoryMachine(
            id: id("ws-208"), computerDnsName: "ws-208.contoso.local", firstSeen: .ago(days: 220), lastSeen: .ago(hours: 9),
            lastIpAddress: "10.20.180.60"),
        InventoryMachine(
            id: id("ws-209"), computerDnsName: "ws-209.contoso.local", firstSeen: .ago(days: 215), lastSeen: .ago(minutes: 40),
            lastIpAddress: "10.20.17.113"),
        // Re-imaged: the old record, Inactive, last seen 41 days ago.
        InventoryMachine(
            id: id("ws-210-old"), computerDnsName: "ws-210.contoso.local", firstSeen: .ago(days: 400), lastSeen: .ago(days: 41),
            osPlatform: "Windows10", version: "22H2", lastIpAddress: "10.20.54.166", healthStatus: .inactive,
            isPotentialDuplication: true),
        // Re-imaged: the new record, Active; `ws-210` resolves to it.
        InventoryMachine(
            id: id("ws-210-new"), computerDnsName: "ws-210.contoso.local", firstSeen: .ago(days: 40), lastSeen: .ago(minutes: 20),
            lastIpAddress: "10.20.91.219"),
        // Merged into the next one: Active and recent, but a resolver must drop it.
        InventoryMachine(
            id: id("ws-211-merged"), computerDnsName: "ws-211.contoso.local", firstSeen: .ago(days: 180),
            lastSeen: .ago(hours: 5), lastIpAddress: "10.20.128.32", mergedIntoMachineId: id("ws-211")),
        // The record `ws-211-merged` was merged into; `ws-211` resolves to it.
        InventoryMachine(
            id: id("ws-211"), computerDnsName: "ws-211.contoso.local", firstSeen: .ago(days: 200), lastSeen: .ago(minutes: 15),
            lastIpAddress: "10.20.165.85"),
        // Two Active, Onboarded records seen in the last 2 days: `ws-212` is ambiguous.
        InventoryMachine(
            id: id("ws-212-a"), computerDnsName: "ws-212.contoso.local", firstSeen: .ago(days: 90), lastSeen: .ago(hours: 1),
            lastIpAddress: "10.20.202.138"),
        InventoryMachine(
            id: id("ws-212-b"), computerDnsName: "ws-212.contoso.local", firstSeen: .ago(days: 60), lastSeen: .ago(hours: 6),
            lastIpAddress: "10.20.39.191"),
        // The onboarded record of `ws-214`; `ws-214` resolves to it.
        InventoryMachine(
            id: id("ws-214"), computerDnsName: "ws-214.contoso.local", firstSeen: .ago(days: 150), lastSeen: .ago(hours: 2),
            lastIpAddress: "10.20.76.244"),
        // Seen by device discovery only (CanBeOnboarded): not a candidate.
        InventoryMachine(
            id: id("ws-214-discovered"), computerDnsName: "ws-214.contoso.local", firstSeen: .ago(days: 150),
            lastSeen: .ago(hours: 3), osPlatform: "Windows10", version: nil, lastIpAddress: "10.20.113.57",
            healthStatus: .unknown, onboardingStatus: .canBeOnboarded),
        InventoryMachine(
            id: id("ws-215"), computerDnsName: "ws-215.contoso.local", firstSeen: .ago(days: 140), lastSeen: .ago(hours: 8),
            lastIpAddress: "10.20.150.110"),
        // Not domain-joined: a bare name, written `KIOSK-01` in the sample.
        InventoryMachine(
            id: id("kiosk-01"), computerDnsName: "kiosk-01", firstSeen: .ago(days: 500), lastSeen: .ago(minutes: 5),
            osPlatform: "Windows10", version: "22H2", lastIpAddress: "10.20.187.163"),
        // Not domain-joined: a bare name.
        InventoryMachine(
            id: id("kiosk-02"), computerDnsName: "kiosk-02", firstSeen: .ago(days: 500), lastSeen: .ago(minutes: 25),
            osPlatform: "Windows10", version: "22H2", lastIpAddress: "10.20.24.216"),
        InventoryMachine(
            id: id("srv-app01"), computerDnsName: "srv-app01.contoso.local", firstSeen: .ago(days: 700),
            lastSeen: .ago(minutes: 3), osPlatform: "WindowsServer2022", version: "21H2", lastIpAddress: "10.20.61.29",
            deviceValue: "High", machineTags: ["Tier1"]),
        InventoryMachine(
            id: id("srv-file01"), computerDnsName: "srv-file01.contoso.local", firstSeen: .ago(days: 800),
            lastSeen: .ago(minutes: 4), osPlatform: "WindowsServer2019", version: "1809", lastIpAddress: "10.20.98.82",
            deviceValue: "High", machineTags: ["Tier1", "Backup"]),
        InventoryMachine(
            id: id("lt-frank"), computerDnsName: "lt-frank.contoso.local", firstSeen: .ago(days: 100), lastSeen: .ago(hours: 11),
            lastIpAddress: "10.20.135.135"),
        // Last seen 26 hours ago: still recent.
        InventoryMachine(
            id: id("lt-grace"), computerDnsName: "lt-grace.contoso.local", firstSeen: .ago(days: 110), lastSeen: .ago(hours: 26),
            lastIpAddress: "10.20.172.188"),
        InventoryMachine(
            id: id("mac-design01"), computerDnsName: "mac-design01", firstSeen: .ago(days: 365), lastSeen: .ago(hours: 1),
            osPlatform: "macOS", version: "15.1", osProcessor: "ARM64", lastIpAddress: "10.20.209.241"),
        InventoryMachine(
            id: id("lnx-build01"), computerDnsName: "lnx-build01.contoso.local", firstSeen: .ago(days: 365),
            lastSeen: .ago(minutes: 30), osPlatform: "Ubuntu", version: "24.04", lastIpAddress: "10.20.46.54"),
    ]

    /// The SHA-256 of the sample's `stage2_loader.bin`: in no inventory on purpose (`file-not-found`).
    static let unknownSha256 = "af9739a3c14af50a09ce73361d913131657292eb111c1c6f5015f72bde53a6b1"

    static let files: [InventoryFile] = [
        InventoryFile(
            sha1: "aa08856147432f6fb98286586edaccd26fc77bff",
            sha256: "b5049a400b84a565501229a263c901a4d75ceeb819c4e9f4163a89f9ca649d45", fileName: "invoice_2026-11.pdf.exe",
            globalFirstObserved: .ago(days: 12), globalLastObserved: .ago(hours: 1), size: 1_184_256, fileType: "APP",
            isPeFile: true, isValidCertificate: false, determinationType: "Malware",
            determinationValue: "Trojan:Win32/Emotet.RPX!MTB",
            machineIds: [
                "kiosk-01", "lt-frank", "lt-grace", "srv-app01", "ws-20", "ws-200", "ws-201", "ws-202", "ws-203", "ws-204",
                "ws-205", "ws-206", "ws-207", "ws-208", "ws-209", "ws-210-new", "ws-211", "ws-212-a", "ws-212-b", "ws-214",
                "ws-215",
            ].map(id)),
        InventoryFile(
            sha1: "9f5c32c18ce9301c297f7537aa94e1c372b832c4",
            sha256: "fb1cec506b15c5b31d4d25e37938430de12734f5cfc73005b086239c4a45f4ea", fileName: "svchost32.dll",
            globalFirstObserved: .ago(days: 12), globalLastObserved: .ago(hours: 1), size: 402_944, isPeFile: true,
            filePublisher: "Microsoft Corporation", fileProductName: "Microsoft Windows Operating System",
            signer: "Microsoft Windows", issuer: "Contoso Test CA", signerHash: "5c4d0f2a8e1b7d3f6a9c0e2b4d6f8a1c3e5b7d9f",
            isValidCertificate: false, determinationType: "Malware", determinationValue: "Backdoor:Win32/Cobaltstrike.K",
            machineIds: ["srv-app01", "srv-file01", "ws-200", "ws-204", "ws-208", "ws-209", "ws-210-new", "ws-215"].map(id)),
        InventoryFile(
            sha1: "37d1540c7b93949cd6d56f34da9e66e8cdc1e925",
            sha256: "c11fe9fd8bf0e25ce6532386b9237c15aadc46acde2e3c8c9558f688de602a3d", fileName: "update_helper.ps1",
            globalFirstObserved: .ago(days: 12), globalLastObserved: .ago(hours: 1), size: 8_731, determinationType: "Malware",
            determinationValue: "Trojan:PowerShell/Amsibypass.B",
            machineIds: [
                "kiosk-02", "lt-frank", "lt-grace", "ws-20", "ws-201", "ws-205", "ws-207", "ws-209", "ws-212-a", "ws-212-b",
                "ws-215",
            ].map(id)),
        InventoryFile(
            sha1: "cc2aacf7b19de1015ae2b7d60ad7be5216c82d53",
            sha256: "7fbba2a350077a06f39336c06a74e6a256c37448c3069c96562b10977cf5129c", fileName: "DesignHelper",
            globalFirstObserved: .ago(days: 12), globalLastObserved: .ago(hours: 1), size: 2_310_144,
            determinationType: "Malware", determinationValue: "Trojan:MacOS/AtomicStealer.A", machineIds: ["mac-design01"].map(id)
        ),
        InventoryFile(
            sha1: "150524ed3bbd18f568b4b62a138059163b9fe255",
            sha256: "d963de194415815fc607fbddb88827b932e6b59f22262d331f329d8f06877586", fileName: "kworkerd",
            globalFirstObserved: .ago(days: 12), globalLastObserved: .ago(hours: 1), size: 5_820_416,
            determinationType: "Malware", determinationValue: "Trojan:Linux/CoinMiner.B",
            machineIds: ["lnx-build01", "srv-app01"].map(id)),
    ]

    static func id(_ key: String) -> String {
        guard let id = machineIds[key] else {
            preconditionFailure("No machine '\(key)' in the default inventory.")
        }
        return id
    }
}
