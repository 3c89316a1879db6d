// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "mdebatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mdebatch", targets: ["mdebatch"]),
        .executable(name: "mdebatch-bench", targets: ["mdebatch-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Already in the graph through Hummingbird; the emulator's tests import it.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // All client logic: input, validation, state, quota, API, auth, jobs, reports.
        .target(
            name: "MDEBatchCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The stand-in for the MDE API. Shares no code with MDEBatchCore on purpose.
        .target(
            name: "MDEEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Stamps the commit the tool is built from, for `mdebatch --version`.
        .plugin(name: "BuildCommitStamp", capability: .buildTool()),
        // The thin command-line layer.
        .executableTarget(
            name: "mdebatch",
            dependencies: [
                "MDEBatchCore",
                "MDEEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            plugins: ["BuildCommitStamp"]
        ),
        .executableTarget(
            name: "mdebatch-bench",
            dependencies: ["MDEBatchCore", "MDEEmulator"]
        ),
        // Doubles and builders for tests; never asserts.
        .target(
            name: "MDEBatchTestSupport",
            dependencies: ["MDEBatchCore"]
        ),
        .testTarget(
            name: "MDEBatchCoreTests",
            dependencies: [
                "MDEBatchCore", "MDEBatchTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MDEEmulatorTests",
            dependencies: [
                "MDEEmulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "MDEBatchCLITests",
            dependencies: [
                "mdebatch", "MDEBatchCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The built `mdebatch` binary against a live emulator on loopback.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "mdebatch", "MDEBatchCore", "MDEEmulator", "MDEBatchTestSupport",
                // To make a state file "from a newer mdebatch" the way one would be.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
