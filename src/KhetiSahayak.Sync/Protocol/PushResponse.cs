namespace KhetiSahayak.Sync.Protocol;

/// <summary>One result per pushed mutation, in push order.</summary>
public sealed record PushResponse(IReadOnlyList<MutationResult> Results);
