using System.Runtime.CompilerServices;

// ILGPU's CPU accelerator emits a dynamic assembly named ILGPURuntime that calls the (internal) kernels and
// their parameter structs; kernels stay internal, as in the other back ends.
[assembly: InternalsVisibleTo("ILGPURuntime")]
