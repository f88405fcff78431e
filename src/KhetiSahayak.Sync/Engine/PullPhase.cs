namespace KhetiSahayak.Sync.Engine;

/// <summary>The passes of one pull, in order. The last three run only when the principal's parameters changed.</summary>
public enum PullPhase
{
    /// <summary>Rows inserted, updated or deleted since the cursor that match the current filter.</summary>
    Delta = 0,

    /// <summary>Rows that left the current filter since the cursor (a filter column changed): deleted on the device.</summary>
    MovedOut = 1,

    /// <summary>Unchanged rows that the new parameters let in (a wider filter): sent whole, no full re-download.</summary>
    Entered = 2,

    /// <summary>Rows the old parameters let in and the new ones do not: deleted on the device.</summary>
    Left = 3,

    /// <summary>Rows that moved out of the old filter since the cursor and are outside the new one: deleted on the device.</summary>
    LeftMoved = 4,

    Done = 5,
}
