/// An error from a C library: the function that failed and its return or error code.
public struct NativeError: Error, CustomStringConvertible, Sendable {
  public let function: String
  public let code: Int32
  public let message: String

  public init(function: String, code: Int32, message: String = "") {
    self.function = function
    self.code = code
    self.message = message
  }

  public var description: String {
    message.isEmpty ? "\(function) failed with code \(code)" : "\(function) failed with code \(code): \(message)"
  }
}
