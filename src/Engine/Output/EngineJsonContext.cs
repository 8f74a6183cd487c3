using System.Text.Json.Serialization;

namespace Cepstra.Output;

/// <summary>
/// Compile-time JSON metadata for the documents every <c>convert</c> writes before its first file: the settings
/// fingerprint and options metadata (<see cref="ExtractionOptions"/>), the shard plan and the commit manifests.
/// The reflection-based serializer built these contracts at run time with Reflection.Emit accessors: ≈ 150 ms of
/// CPU in each process on the 2-core CI machine, a tenth of a 100-clip run. The naming policies and enum
/// converters stay in each caller's <c>JsonSerializerOptions</c>, so the documents are byte for byte what they were.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ExtractionOptions))]
[JsonSerializable(typeof(ShardPlan))]
[JsonSerializable(typeof(CommitManifest))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;
