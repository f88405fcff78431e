using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>One page-sized read of one pull phase over one table, after a (version, key) position.</summary>
public sealed record ChangeQuery(
    ScopeTable Table,
    PullPhase Phase,
    ScopeParameters Parameters,
    ScopeParameters? PreviousParameters,
    string? From,
    string To,
    long AfterVersion,
    string AfterKey,
    int Limit);
