// swift-tools-version:6.0
import PackageDescription

// Release builds of the hot modules skip the run-time exclusivity checks (every access to a
// variable a closure captures, about 1% of a web.yaml run's instructions); debug builds, which
// `make test` runs, keep them.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
  name: "winnow",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "winnow", targets: ["winnow"]),
    .library(name: "WinnowCore", targets: ["WinnowCore"]),
    .library(name: "WinnowStages", targets: ["WinnowStages"]),
    // What a Swift stage plugin depends on (docs/PLUGINS.md; Examples/WordCountPlugin).
    .library(name: "WinnowPluginAPI", targets: ["WinnowPluginAPI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    // Core
    .target(
      name: "WinnowCore",
      dependencies: [
        "WinnowNative", "CWinnowPlugin",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: releaseSettings
    ),

    // Stages
    .target(
      name: "WinnowStages",
      dependencies: [
        "WinnowCore", "WinnowNative", "CMinHash", "CSpawn", "CWinnowData", "CCLD2", "CFastText", .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: releaseSettings
    ),

    // Plugins: the C interface (winnow_plugin.h) and the Swift module plugins build against.
    .target(name: "CWinnowPlugin"),
    // pipelines/ data compiled in (#embed): the decode stage's letter-pair model.
    .target(name: "CWinnowData"),
    // posix_spawn with pipes and a working directory, for exec stages (needs _GNU_SOURCE).
    .target(name: "CSpawn"),
    .target(name: "WinnowPluginAPI", dependencies: ["CWinnowPlugin"]),

    // Native
    .target(name: "CICU", linkerSettings: [
      .linkedLibrary("icuuc"), .linkedLibrary("icui18n"), .linkedLibrary("icudata"),
    ]),
    // Google's CLD2 (Debian's libcld2-dev, C++) behind a plain-C header, for the langid stage.
    .target(name: "CCLD2", linkerSettings: [.linkedLibrary("cld2"), .linkedLibrary("stdc++")]),
    // fastText (Debian's libfasttext-dev, C++) behind a plain-C header: langid's optional model.
    .target(name: "CFastText", linkerSettings: [.linkedLibrary("fasttext"), .linkedLibrary("stdc++")]),
    // xxHash64 and the MinHash permutation loop, vectorised per CPU at load time.
    .target(name: "CMinHash", cSettings: [.unsafeFlags(["-O3"])]),
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
    // Zstandard, for .jsonl.zst output (and reading it back).
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    // libdeflate: whole gzip members and HTTP bodies at once, faster than zlib's streaming
    // inflate (which stays for what does not fit and for telling what is wrong with bad data).
    .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
    .target(name: "WinnowNative", dependencies: ["CICU", "CLibXML2", "CZlib", "CZstd", "CDeflate"], swiftSettings: releaseSettings),

    // CLI
    .executableTarget(
      name: "winnow",
      dependencies: [
        "WinnowCore", "WinnowStages",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),

    // Fuzzing: libFuzzer (`make fuzz`, built with -sanitize=fuzzer) and a mutation harness
    // that needs no instrumentation (`make fuzz-mutate`).
    .executableTarget(name: "winnow-libfuzzer", dependencies: ["WinnowCore", "WinnowStages", "WinnowFuzzSupport"], path: "Sources/WinnowLibFuzzer"),
    .executableTarget(name: "winnow-fuzz", dependencies: ["WinnowCore", "WinnowStages", "WinnowFuzzSupport"], path: "Sources/WinnowFuzz"),
    // What the two fuzzers check of a target's output beyond "no crash".
    .target(name: "WinnowFuzzSupport", dependencies: ["WinnowCore"], path: "Sources/WinnowFuzzSupport"),

    // Tests
    .target(name: "WinnowTestSupport", dependencies: ["WinnowCore"], path: "Sources/WinnowTestSupport"),
    .testTarget(name: "WinnowCoreTests", dependencies: ["WinnowCore", "WinnowTestSupport"]),
    .testTarget(name: "WinnowNativeTests", dependencies: ["WinnowNative"]),
    .testTarget(
      name: "WinnowStagesTests",
      dependencies: ["WinnowStages", "WinnowCore", "WinnowNative", "WinnowTestSupport"],
      exclude: ["Fixtures"]
    ),
    .testTarget(name: "winnowTests", dependencies: ["WinnowTestSupport"], exclude: ["Golden", "Fixtures"]),
  ]
)
