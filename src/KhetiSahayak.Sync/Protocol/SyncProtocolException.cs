namespace KhetiSahayak.Sync.Protocol;

/// <summary>A request the engine refuses as a whole, with a stable <see cref="Code"/>; hosts turn it into a 4xx.</summary>
public sealed class SyncProtocolException : Exception
{
    public SyncProtocolException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public SyncProtocolException()
        : this("error", "sync request refused")
    {
    }

    public SyncProtocolException(string message)
        : this("error", message)
    {
    }

    public SyncProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "error";
    }

    public string Code { get; }
}
