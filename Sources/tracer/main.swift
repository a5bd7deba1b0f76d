// Entry point: make sure OpenBLAS runs its fast kernel for this CPU, check stdout at exit, then hand
// over to the parser.
import SafeIO
FastKernel.ensure()
StandardOutput.checkAtExit()  // output lost to a full disk is exit 1, never a silent 0
Tracer.main()
