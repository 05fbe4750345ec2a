// swift-tools-version:6.0
// A winnow stage plugin: `make plugins` (or `swift build -c release` here) builds
// .build/release/libWordCountPlugin.so, which a pipeline loads with `plugins:`.
import PackageDescription

let package = Package(
  name: "WordCountPlugin",
  products: [
    .library(name: "WordCountPlugin", type: .dynamic, targets: ["WordCountPlugin"])
  ],
  dependencies: [
    // winnow's repository; from elsewhere: .package(url: "<winnow's git URL>", from: "…").
    .package(name: "winnow", path: "../..")
  ],
  targets: [
    .target(name: "WordCountPlugin", dependencies: [.product(name: "WinnowPluginAPI", package: "winnow")])
  ]
)
