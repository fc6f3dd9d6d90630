"""The wire contract: pydantic models shared by the engine's server and its client."""

from mohawk_engine.schemas.models import CutPoint, ModelFormat, ModelInfo, TensorSpec, V2Datatype
from mohawk_engine.schemas.sessions import (
    BatchingConfig,
    DeviceMap,
    DevicePlacement,
    PlacementPlan,
    SessionInfo,
    SessionSpec,
    SessionState,
    Strategy,
)
from mohawk_engine.schemas.server import ErrorBody, ServerInfo

__all__ = [
    "CutPoint",
    "BatchingConfig",
    "DeviceMap",
    "DevicePlacement",
    "ErrorBody",
    "ModelFormat",
    "ModelInfo",
    "PlacementPlan",
    "ServerInfo",
    "SessionInfo",
    "SessionSpec",
    "SessionState",
    "Strategy",
    "TensorSpec",
    "V2Datatype",
]
