"""Callbacks (`keras.callbacks.Callback` subclasses) for Clara training.

Callbacks with `get_state()`/`set_state()` have their state saved in the
`clara_keras.training.Trainer` resume state, so a resumed run continues
exactly where it stopped.
"""

from clara_keras.callbacks.best_model_checkpoint import BestModelCheckpoint
from clara_keras.callbacks.cosine_schedule import CosineSchedule
from clara_keras.callbacks.csv_logger import CSVLogger
from clara_keras.callbacks.early_stopping import EarlyStopping
from clara_keras.callbacks.json_logger import JSONLogger
from clara_keras.callbacks.learning_rate_warmup import LearningRateWarmup
from clara_keras.callbacks.progress_bar import ProgressBar
from clara_keras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from clara_keras.callbacks.step_schedule import StepSchedule
from clara_keras.callbacks.terminate_on_nan import TerminateOnNaN
from clara_keras.callbacks.time_limit import TimeLimit

__all__ = [
    "BestModelCheckpoint",
    "CSVLogger",
    "CosineSchedule",
    "EarlyStopping",
    "JSONLogger",
    "LearningRateWarmup",
    "ProgressBar",
    "ReduceLROnPlateau",
    "StepSchedule",
    "TerminateOnNaN",
    "TimeLimit",
]
