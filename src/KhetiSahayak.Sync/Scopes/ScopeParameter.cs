namespace KhetiSahayak.Sync.Scopes;

/// <summary>
/// The parameters a filter may use. They are resolved on the server from the authenticated principal and
/// server-side records, never from what a device sends.
/// </summary>
public static class ScopeParameter
{
    public const string UserId = "user_id";
    public const string FarmerId = "farmer_id";
    public const string Role = "role";
    public const string Districts = "districts";
    public const string Blocks = "blocks";
    public const string Crops = "crops";
    public const string Languages = "languages";

    /// <summary>Every known parameter and whether it is a list.</summary>
    public static IReadOnlyDictionary<string, (ColumnType Type, bool IsList)> All { get; } =
        new Dictionary<string, (ColumnType, bool)>(StringComparer.Ordinal)
        {
            [UserId] = (ColumnType.Uuid, false),
            [FarmerId] = (ColumnType.Uuid, false),
            [Role] = (ColumnType.Text, false),
            [Districts] = (ColumnType.Integer, true),
            [Blocks] = (ColumnType.Integer, true),
            [Crops] = (ColumnType.Text, true),
            [Languages] = (ColumnType.Text, true),
        };
}
