"""clara_keras.training"""
