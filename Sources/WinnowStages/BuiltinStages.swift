import WinnowCore

/// The one list of built-in stages. `winnow stages` and docs/STAGES.md are generated from it.
public enum BuiltinStages {
  public static let all: [any StageConfig.Type] = [
    DecodeConfig.self,
    NormalizeConfig.self,
    HTMLConfig.self,
    BoilerplateConfig.self,
    MetadataConfig.self,
    SpamConfig.self,
    QualityConfig.self,
    PIIConfig.self,
    LangIDConfig.self,
    RulesConfig.self,
    ExecConfig.self,
    DedupConfig.self,
  ]

  public static let registry = StageRegistry(all)
}
