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
        .executable(name: "vve", targets: ["vve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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
        .executableTarget(
            name: "vve",
            dependencies: [
                "VVECore", "VVEStore", "VVEConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "VVECoreTests", dependencies: ["VVECore"], swiftSettings: strictSwift6),
        .testTarget(
            name: "VVEStoreTests",
            dependencies: ["VVEStore", "VVECore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "VVEConfigTests", dependencies: ["VVEConfig", "VVECore"], swiftSettings: strictSwift6),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["vve", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift6
        ),
    ]
)
