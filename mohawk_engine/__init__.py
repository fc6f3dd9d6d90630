"""Mohawk inference engine: serves ONNX and TorchScript models over the Open Inference Protocol v2."""

__version__ = "0.1.0"
