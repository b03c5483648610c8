"""Training controller: `Trainer`, the one-call `train`, safe `load_model`, `export_model`, the run folder."""

from clara_keras.training.export import export_model
from clara_keras.training.loading import load_model
from clara_keras.training.one_call import train
from clara_keras.training.run_dir import RunDir
from clara_keras.training.run_dir import default_run_dir
from clara_keras.training.train_result import TrainResult
from clara_keras.training.trainer import Trainer

__all__ = ["RunDir", "TrainResult", "Trainer", "default_run_dir", "export_model", "load_model", "train"]
