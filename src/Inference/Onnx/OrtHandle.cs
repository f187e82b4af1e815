using System.Runtime.InteropServices;

namespace Mirage.Inference.Onnx;

/// <summary>
/// An owned ORT object, released exactly once by its Release function. SafeHandle's reference count
/// makes a run that holds the handle finish before the object goes, even if Dispose races it, and
/// the finalizer releases what nobody disposed. A handle keeps its parent alive (a session its
/// environment), so ORT objects are released in dependency order whatever order .NET disposes them.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> _release;
    private readonly OrtHandle? _parent;

    public OrtHandle(IntPtr handle, delegate* unmanaged[Cdecl]<IntPtr, void> release, OrtHandle? parent = null)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        if (parent is not null)
        {
            var added = false;
            parent.DangerousAddRef(ref added);
            _parent = parent;
        }

        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw pointer while the caller holds a reference (see <see cref="Lease"/>).</summary>
    public IntPtr Pointer => handle;

    /// <summary>Holds the object alive for the lease's scope; throws ObjectDisposedException once disposed.</summary>
    public Lease Acquire() => new(this);

    protected override bool ReleaseHandle()
    {
        _release(handle);
        _parent?.DangerousRelease();
        return true;
    }

    public readonly ref struct Lease
    {
        private readonly OrtHandle _owner;

        public Lease(OrtHandle owner)
        {
            var added = false;
            owner.DangerousAddRef(ref added);
            _owner = owner;
        }

        public void Dispose() => _owner.DangerousRelease();
    }
}
