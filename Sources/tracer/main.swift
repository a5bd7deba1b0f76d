// Entry point: make sure OpenBLAS runs its fast kernel for this CPU, then hand over to the parser.
FastKernel.ensure()
Tracer.main()
