// swift-tools-version:6.2
import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "vve",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vve", targets: ["vve"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "VVECore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "VVEStore",
            dependencies: [
                "VVECore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "VVEConfig",
            dependencies: [
                "VVECore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "VVESync",
            dependencies: [
                "VVECore", "VVEStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "VVENet",
            dependencies: [
                "VVECore", "VVEStore", "VVEConfig", "VVESync",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "vve",
            dependencies: [
                "VVECore", "VVEStore", "VVEConfig", "VVESync", "VVENet",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSwift6
        ),
        // Fixtures the test targets share: temporary folders, store and certificate fixtures,
        // captured logs and the simulation harness. A plain target, so that it builds in
        // release too; it reaches the modules through `package` access, never @testable.
        .target(
            name: "VVETestSupport",
            dependencies: [
                "VVECore", "VVEStore", "VVESync", "VVENet",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/VVETestSupport",
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "VVECoreTests", dependencies: ["VVECore", "VVETestSupport"], swiftSettings: strictSwift6),
        .testTarget(
            name: "VVEStoreTests",
            dependencies: ["VVEStore", "VVECore", "VVETestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "VVEConfigTests", dependencies: ["VVEConfig", "VVECore"], swiftSettings: strictSwift6),
        .testTarget(name: "VVESyncTests", dependencies: ["VVESync", "VVEStore", "VVECore", "VVETestSupport"], swiftSettings: strictSwift6),
        .testTarget(
            name: "VVENetTests",
            dependencies: [
                "VVENet", "VVECore", "VVEConfig", "VVEStore", "VVETestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "vve", "VVENet", "VVETestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                // A mutual-TLS connection held open across requests, as a peer's client holds one.
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // A fake peer of another protocol version, served over mutual TLS.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The upgrade fixtures' linkage key, made again from its public phrase.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
    ]
)
