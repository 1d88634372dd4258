// swift-tools-version:6.1
import PackageDescription

/// Strict settings for every Swift target (swift-log's set): Swift 6 mode, explicit existentials,
/// internal imports by default so that C types never leak into a public signature.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "busbar",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "busbar", targets: ["busbar"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
    ],
    targets: [
        // libmodbus, as a system library; the shim re-exports what Swift cannot import.
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus", providers: [.apt(["libmodbus-dev"])]),
        // The Swift face of libmodbus (clients, typed values and errors) and the Modbus/TCP server on
        // SwiftNIO, in the clear or as Modbus/TCP Security (TLS with the client's role from its certificate).
        .target(
            name: "Modbus",
            dependencies: [
                "CModbus", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        // The domain's words: device kinds, mode kinds with codes and parameters, telemetry roles,
        // allocation strategies, units. No dependencies; SiteConfig and Control share it.
        .target(name: "Vocabulary", swiftSettings: strictSettings),
        // The YAML model of sites and device maps, with located diagnostics.
        .target(
            name: "SiteConfig",
            dependencies: ["Modbus", "Vocabulary", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // Reading a device through its map: read plans run with a failure policy, words decoded
        // with scale factors and "not available" sentinels. The runtime, inspect and commission use it.
        .target(name: "DeviceIO", dependencies: ["Modbus", "SiteConfig"], swiftSettings: strictSettings),
        // Modes, commands, watchdog, constraints and allocation: pure values, injected clock.
        .target(name: "Control", dependencies: ["Vocabulary"], swiftSettings: strictSettings),
        // Simulated batteries, chargepoints and meters served from device maps.
        .target(
            name: "Simulation",
            dependencies: ["Modbus", "SiteConfig", "Vocabulary", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // What the runtime publishes and takes: the site state snapshot, the command sink, the
        // command sources busbar speaks for. Shared by the runtime, the profiles and the APIs.
        .target(
            name: "GatewayState", dependencies: ["Control", "SiteConfig", "Vocabulary"], swiftSettings: strictSettings),
        // The upstream register profiles (native, openems, sunspec) over one shared layer: fields,
        // tables, images per snapshot, whole-write assembly and one request handler.
        .target(
            name: "Upstreams",
            dependencies: ["Modbus", "Control", "SiteConfig", "Vocabulary", "GatewayState"],
            swiftSettings: strictSettings
        ),
        // Integrations generated from the profiles' tables: Home Assistant and evcc configurations.
        .target(
            name: "Integrations",
            dependencies: [
                "Upstreams", "SiteConfig", "GatewayState", "Control", "Modbus", "Vocabulary",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        // The runtime: drivers, polling, the upstream listeners.
        .target(
            name: "Gateway",
            dependencies: [
                "DeviceIO", "Modbus", "SiteConfig", "Control", "Vocabulary", "GatewayState", "Upstreams",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `busbar commission`: surveys and pulse tests of a site's live devices, and their report.
        .target(
            name: "Commissioning",
            dependencies: [
                "DeviceIO", "Gateway", "GatewayState", "Control", "Modbus", "SiteConfig", "Vocabulary",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The runtime's metrics in Prometheus's text format, with the gauges read off a snapshot.
        .target(
            name: "GatewayMetrics",
            dependencies: [
                "Gateway", "GatewayState", "Control", "Vocabulary",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        // The audit journal: who commanded what, mode changes, device and lifecycle events, in SQLite.
        .target(
            name: "Journal",
            dependencies: [
                "Gateway", "GatewayState", "Control", "Vocabulary", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // libmosquitto, as a system library, for the MQTT client.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        // An MQTT client over libmosquitto: its own network thread, reconnect with back-off.
        .target(name: "MQTT", dependencies: ["CMosquitto"], swiftSettings: strictSettings),
        // The site on an MQTT broker: documents, Home Assistant discovery, commands as source mqtt.
        .target(
            name: "GatewayMQTT",
            dependencies: [
                "MQTT", "GatewayHTTP", "Gateway", "GatewayState", "Control", "SiteConfig", "Vocabulary",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The cloud EMS push client and the local JSON API over HTTP.
        .target(
            name: "GatewayHTTP",
            dependencies: [
                "Gateway", "GatewayState", "Upstreams", "Control", "SiteConfig", "Vocabulary",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // A loaded site as one ServiceGroup: endpoints, control loop, listeners, local API, push,
        // MQTT and the reload on SIGHUP, shut down in reverse order. `run`, `demo` and the fixtures use it.
        .target(
            name: "GatewayServices",
            dependencies: [
                "Gateway", "GatewayHTTP", "GatewayMQTT", "GatewayMetrics", "GatewayState", "Journal", "Control",
                "Modbus", "SiteConfig", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Bakes the git revision into the executable for `busbar --version`.
        .plugin(name: "BuildRevision", capability: .buildTool()),
        // The thin command-line executable.
        .executableTarget(
            name: "busbar",
            dependencies: [
                "Commissioning", "DeviceIO", "Modbus", "SiteConfig", "Control", "Vocabulary", "Simulation", "Gateway",
                "GatewayHTTP", "GatewayMetrics", "Journal", "GatewayMQTT", "GatewayState", "Upstreams",
                "Integrations", "GatewayServices", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings,
            plugins: ["BuildRevision"]
        ),
        // Helpers the test suites share: peers as subprocesses, paths, free ports.
        .target(
            name: "TestSupport",
            dependencies: [
                "Modbus", "SiteConfig", "Control", "Vocabulary", "Gateway", "GatewayState", "Upstreams", "Simulation",
                "GatewayServices", .product(name: "Logging", package: "swift-log"),
            ], path: "Tests/TestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "CommissioningTests",
            dependencies: [
                "Commissioning", "Modbus", "Simulation", "SiteConfig", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        .testTarget(name: "VocabularyTests", dependencies: ["Vocabulary"], swiftSettings: strictSettings),
        .testTarget(name: "ModbusTests", dependencies: ["Modbus", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "SiteConfigTests",
            dependencies: ["SiteConfig", "Vocabulary", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ControlTests",
            dependencies: ["Control", "Vocabulary", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SimulationTests", dependencies: ["Simulation", "Modbus", "SiteConfig", "Vocabulary", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "DeviceIO", "Gateway", "GatewayState", "Upstreams", "Simulation", "Modbus", "SiteConfig", "Control",
                "Vocabulary",
                "TestSupport",
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "GatewayHTTPTests",
            dependencies: [
                "GatewayHTTP", "Gateway", "GatewayState", "Upstreams", "Control", "SiteConfig", "Vocabulary",
                "Simulation",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // End-to-end tests of the executable over real sockets.
        .testTarget(
            name: "BusbarTests", dependencies: ["Modbus", "SiteConfig", "Vocabulary", "Simulation", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "JournalTests",
            dependencies: [
                "Journal", "Gateway", "GatewayState", "Control", "Vocabulary", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
    ]
)
