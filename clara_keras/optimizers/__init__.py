"""clara_keras.optimizers"""
