// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rekon",
    products: [
        .executable(name: "rekon", targets: ["rekon"])
    ],
    targets: [
        // C at the edge: project-prefixed system modules, paths from pkg-config.
        .systemLibrary(
            name: "CRekonXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CRekonZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CRekonCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CRekonPosix"),

        // Safe Swift owners of the C handles; no C type is public.
        .target(name: "RekonNative", dependencies: ["CRekonXML2", "CRekonZlib", "CRekonCrypto", "CRekonPosix"]),
        // The pure core: records, money, dates, CSV, mapping, validation, diff, corrections.
        .target(name: "RekonCore"),
        // Sources and sinks: drop files, ledger exports, report writers, atomic output.
        .target(
            name: "RekonIO", dependencies: ["RekonCore", "RekonNative"],
            resources: [.copy("Standard")]),
        // The CLI as a library.
        .target(name: "RekonCommand", dependencies: ["RekonCore", "RekonIO", "RekonNative", "RekonGen"]),
        .executableTarget(name: "rekon", dependencies: ["RekonCommand"]),
        // The synthetic world generator (rekon gen).
        .target(name: "RekonGen", dependencies: ["RekonCore", "RekonNative"]),

        .testTarget(name: "RekonCoreTests", dependencies: ["RekonCore"]),
        .testTarget(name: "RekonNativeTests", dependencies: ["RekonNative"]),
        .testTarget(name: "RekonIOTests", dependencies: ["RekonIO", "RekonCore", "RekonNative"]),
        .testTarget(name: "RekonGenTests", dependencies: ["RekonGen", "RekonCore", "RekonIO"]),
        .testTarget(
            name: "RekonEndToEndTests", dependencies: ["rekon"],
            exclude: ["Fixtures"]),
    ]
)

// One set of Swift settings for every Swift target.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // The hot loops are checked by tests in debug builds; release builds skip the dynamic
    // exclusivity checks, which cost a fifth of the time of reading a drop.
    settings.append(.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)))
    target.swiftSettings = settings
}
